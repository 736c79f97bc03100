/**
 * deploy/kubernetes/: every manifest valid against the Kubernetes schemas (kubernetes-models), and
 * the deployment policy: 2 replicas, probes on /readyz and /healthz, non-root with a read-only root
 * filesystem, resource requests, every secret by reference and none written down.
 */
import fs from "node:fs";
import path from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IService } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";

const DIR = path.resolve(__dirname, "..", "..", "deploy", "kubernetes");

type Doc = { apiVersion: string; kind: string; metadata: { name: string }; [key: string]: unknown };

function readManifests(): { file: string; doc: Doc }[] {
  return fs
    .readdirSync(DIR)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(fs.readFileSync(path.join(DIR, file), "utf8")).map((document) => {
        expect(document.errors).toEqual([]);
        return { file, doc: document.toJS() as Doc };
      }),
    );
}

/** The kubernetes-models class for a manifest: kubernetes-models/<group/version>/<Kind>. */
function validateAgainstSchema(doc: Doc): void {
  const modulePath = `kubernetes-models/${doc.apiVersion}/${doc.kind}`;
  const Model = (require(modulePath) as Record<string, new (data: unknown) => { validate(): void }>)[
    doc.kind
  ];
  if (Model === undefined) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc).validate();
}

/** Environment variable names that carry a secret in CONTRACT.md. */
const SECRET_VARIABLES = [
  "DATABASE_URL",
  "ENCRYPTION_KEY",
  "SLACK_SIGNING_SECRET",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
  "SLACK_BOT_TOKEN",
];
const SECRET_NAME = /SECRET|TOKEN|KEY|PASSWORD|DATABASE_URL/;

const manifests = readManifests();
const resources = manifests.filter(({ doc }) => doc.kind !== "Kustomization");
/** The one manifest of a kind, typed by its kubernetes-models interface (the schema test checks it). */
function byKind<T>(kind: string): T {
  const found = resources.filter(({ doc }) => doc.kind === kind);
  expect(found).toHaveLength(1);
  return found[0].doc as unknown as T;
}
const deployment = () => byKind<IDeployment>("Deployment");
const podSpec = () => {
  const spec = deployment().spec?.template.spec;
  if (spec === undefined) throw new Error("the Deployment has no pod spec");
  return spec;
};

describe("deploy/kubernetes", () => {
  it("every manifest is valid against the Kubernetes schemas", () => {
    expect(resources.map(({ doc }) => doc.kind).sort()).toEqual([
      "ConfigMap",
      "Deployment",
      "Ingress",
      "PodDisruptionBudget",
      "Service",
      "ServiceAccount",
    ]);
    for (const { file, doc } of resources) {
      expect(() => validateAgainstSchema(doc)).not.toThrow();
      expect(`${file}: ${doc.metadata?.name}`).toBe(`${file}: aws-chatbot`);
    }
  });

  it("the schema check does catch a malformed manifest", () => {
    const broken = structuredClone(byKind<Doc>("Deployment"));
    (broken.spec as Record<string, unknown>).replicas = "two";
    expect(() => validateAgainstSchema(broken)).toThrow(/replicas must be integer/);
  });

  it("kustomization.yaml lists every manifest file", () => {
    const kustomization = manifests.find(({ doc }) => doc.kind === "Kustomization")?.doc;
    const files = [...new Set(resources.map(({ file }) => file))].sort();
    expect([...((kustomization?.resources ?? []) as string[])].sort()).toEqual(files);
  });

  it("runs 2 replicas, non-root, on a read-only root filesystem with a writable /tmp", () => {
    expect(deployment().spec?.replicas).toBe(2);
    const pod = podSpec();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number) });
    expect(pod.securityContext?.runAsUser).not.toBe(0);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers).toHaveLength(1);
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === "/tmp");
      expect(pod.volumes?.find((volume) => volume.name === tmp?.name)).toHaveProperty("emptyDir");
    }
  });

  it("probes readiness on /readyz and liveness on /healthz, and requests resources", () => {
    const [container] = podSpec().containers;
    const port = container.ports?.[0];
    expect(port?.containerPort).toBe(3000);
    expect(container.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: port?.name });
    expect(container.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: port?.name });
    expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
  });

  it("takes every secret from a Secret by reference and writes none down", () => {
    const [container] = podSpec().containers;
    const env = new Map((container.env ?? []).map((variable) => [variable.name, variable]));
    for (const name of SECRET_VARIABLES) {
      expect(env.get(name)?.valueFrom?.secretKeyRef).toMatchObject({ name: "aws-chatbot", key: name });
    }
    for (const variable of container.env ?? []) {
      if (SECRET_NAME.test(variable.name)) expect(variable.value).toBeUndefined();
    }
    // No Secret object with values is shipped; the ConfigMap holds no secret-named key.
    expect(resources.some(({ doc }) => doc.kind === "Secret")).toBe(false);
    const config = byKind<IConfigMap>("ConfigMap").data ?? {};
    expect(Object.keys(config).filter((key) => SECRET_NAME.test(key))).toEqual([]);
    const text = fs
      .readdirSync(DIR)
      .map((file) => fs.readFileSync(path.join(DIR, file), "utf8"))
      .join("\n");
    expect(text).not.toMatch(/xox[abpr]-|xapp-|postgres(ql)?:\/\/[^\s]*:[^\s]*@|[A-Za-z0-9+/]{43}=/);
  });

  it("wires Service, Ingress (TLS) and PodDisruptionBudget to the Deployment's pods", () => {
    const labels = deployment().spec?.template.metadata?.labels;
    expect(labels).toEqual({ "app.kubernetes.io/name": "aws-chatbot" });
    expect(deployment().spec?.selector.matchLabels).toEqual(labels);
    const service = byKind<IService>("Service");
    expect(service.spec?.selector).toEqual(labels);
    expect(service.spec?.ports?.[0].targetPort).toBe(podSpec().containers[0].ports?.[0].name);
    const ingress = byKind<IIngress>("Ingress");
    const rule = ingress.spec?.rules?.[0];
    expect(ingress.spec?.tls?.[0].secretName).toEqual(expect.any(String));
    expect(ingress.spec?.tls?.[0].hosts).toEqual([rule?.host]);
    const paths = rule?.http?.paths ?? [];
    expect(paths.map((entry) => entry.path).sort()).toEqual(["/slack", "/sns/events"]);
    for (const entry of paths) expect(entry.backend.service?.name).toBe(service.metadata?.name);
    const budget = byKind<IPodDisruptionBudget>("PodDisruptionBudget");
    expect(budget.spec?.selector?.matchLabels).toEqual(labels);
    expect(budget.spec?.minAvailable).toBeLessThan(deployment().spec?.replicas ?? 0);
    expect(byKind<IConfigMap>("ConfigMap").data?.PUBLIC_URL).toBe(`https://${rule?.host}`);
  });
});
