import { ChatbotError, ErrorCode } from "../../src/errors";
import { parseSnsEnvelope, type SnsEnvelope } from "../../src/sns/envelope";
import {
  buildStringToSign,
  checkSigningCertUrl,
  DEFAULT_CERT_URL_PATTERN,
  SnsMessageVerifier,
} from "../../src/sns/verify-signature";
import { startFakeSns } from "../support/fake-sns";
import { sharedAcrossTests } from "../support/shared-fake";
import {
  createSigningIdentity,
  formatLikeSns,
  makeNotification,
  makeSubscriptionConfirmation,
  makeUnsubscribeConfirmation,
  type SignatureVersion,
  type SignedEnvelope,
  signEnvelope,
  signedFixtureNotification,
  type UnsignedEnvelope,
} from "../support/sns-signing";
import { captureLogs } from "./log-capture";

const fake = sharedAcrossTests(startFakeSns, (sns) => sns.resetCertificateServing());

function newVerifier(logger = captureLogs().logger): SnsMessageVerifier {
  return new SnsMessageVerifier({ certUrlPattern: fake().certUrlPattern, logger });
}

function sign(
  fields: UnsignedEnvelope,
  version: SignatureVersion,
  extra: { digest?: "sha1" | "sha256" } = {},
) {
  return signEnvelope(fields, { version, certUrl: fake().certUrl, ...extra });
}

/** Goes through the real parser, as the endpoint does. */
function parsed(envelope: SignedEnvelope | Record<string, unknown>): SnsEnvelope {
  return parseSnsEnvelope(formatLikeSns(envelope));
}

async function rejection(promise: Promise<unknown>): Promise<ChatbotError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChatbotError);
    return error as ChatbotError;
  }
  throw new Error("expected a rejection");
}

const MAKERS: Record<SnsEnvelope["Type"], () => UnsignedEnvelope> = {
  Notification: () => makeNotification({ subject: "Deploy finished", message: "All green\nline two ✓" }),
  SubscriptionConfirmation: () => makeSubscriptionConfirmation(),
  UnsubscribeConfirmation: () => makeUnsubscribeConfirmation(),
};

describe("buildStringToSign", () => {
  it("joins Name\\nValue\\n for a Notification, Subject included when present", () => {
    const envelope = parsed({
      Type: "Notification",
      MessageId: "m-1",
      TopicArn: "arn:aws:sns:us-east-1:123456789012:t",
      Subject: "subj",
      Message: "line1\nline2",
      Timestamp: "2026-01-01T00:00:00.000Z",
      SignatureVersion: "1",
      Signature: "c2ln",
      SigningCertURL: "https://sns.us-east-1.amazonaws.com/x.pem",
      UnsubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
      MessageAttributes: { a: { Type: "String", Value: "v" } },
    });
    expect(buildStringToSign(envelope)).toBe(
      "Message\nline1\nline2\nMessageId\nm-1\nSubject\nsubj\nTimestamp\n2026-01-01T00:00:00.000Z\n" +
        "TopicArn\narn:aws:sns:us-east-1:123456789012:t\nType\nNotification\n",
    );
  });

  it("leaves Subject out entirely when absent", () => {
    const envelope = parsed({
      Type: "Notification",
      MessageId: "m-1",
      TopicArn: "t",
      Message: "",
      Timestamp: "ts",
      SignatureVersion: "1",
      Signature: "c2ln",
      SigningCertURL: "u",
    });
    expect(buildStringToSign(envelope)).toBe(
      "Message\n\nMessageId\nm-1\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n",
    );
  });

  it.each(["SubscriptionConfirmation", "UnsubscribeConfirmation"])(
    "signs Token and SubscribeURL of a %s",
    (type) => {
      const envelope = parsed({
        Type: type,
        MessageId: "m",
        Token: "tok",
        TopicArn: "t",
        Message: "msg",
        SubscribeURL: "https://s",
        Timestamp: "ts",
        SignatureVersion: "2",
        Signature: "c2ln",
        SigningCertURL: "u",
      });
      expect(buildStringToSign(envelope)).toBe(
        `Message\nmsg\nMessageId\nm\nSubscribeURL\nhttps://s\nTimestamp\nts\nToken\ntok\nTopicArn\nt\nType\n${type}\n`,
      );
    },
  );
});

describe("SnsMessageVerifier accepts genuine messages", () => {
  const cases = (["1", "2"] as const).flatMap((version) =>
    (Object.keys(MAKERS) as Array<SnsEnvelope["Type"]>).map((type) => [type, version] as const),
  );

  it.each(cases)("%s, SignatureVersion %s", async (type, version) => {
    await expect(newVerifier().verify(parsed(sign(MAKERS[type](), version)))).resolves.toBeUndefined();
  });

  it.each(["1", "2"] as const)("a Notification without Subject, version %s", async (version) => {
    const envelope = parsed(sign(makeNotification({ message: "no subject here" }), version));
    expect(envelope.Type === "Notification" && envelope.Subject).toBeUndefined();
    await expect(newVerifier().verify(envelope)).resolves.toBeUndefined();
  });

  it("a shared fixture with non-ASCII text and a 20 KB message", async () => {
    const envelope = parsed(
      signedFixtureNotification("unicode-emoji-20kb-detail", { version: "2", certUrl: fake().certUrl }),
    );
    await expect(newVerifier().verify(envelope)).resolves.toBeUndefined();
  });

  it("whatever the unsigned fields say", async () => {
    const signed = sign(makeNotification({ subject: "s" }), "1");
    const envelope = parsed({
      ...signed,
      UnsubscribeURL: "https://attacker.example/",
      MessageAttributes: { injected: { Type: "String", Value: "x" } },
    });
    await expect(newVerifier().verify(envelope)).resolves.toBeUndefined();
  });
});

describe("SnsMessageVerifier rejects tampered messages", () => {
  const tamperings: Array<[string, () => UnsignedEnvelope, (e: Record<string, unknown>) => void]> = [
    ["Message", MAKERS.Notification, (e) => (e.Message = `${e.Message}!`)],
    ["Subject", MAKERS.Notification, (e) => (e.Subject = "Different subject")],
    ["TopicArn", MAKERS.Notification, (e) => (e.TopicArn = "arn:aws:sns:us-east-1:123456789012:other")],
    ["Timestamp", MAKERS.Notification, (e) => (e.Timestamp = "2030-01-01T00:00:00.000Z")],
    ["MessageId", MAKERS.Notification, (e) => (e.MessageId = "00000000-0000-0000-0000-000000000000")],
    ["added Subject", () => makeNotification(), (e) => (e.Subject = "now with subject")],
    ["removed Subject", MAKERS.Notification, (e) => delete e.Subject],
    [
      "Type (subscribe → unsubscribe)",
      MAKERS.SubscriptionConfirmation,
      (e) => (e.Type = "UnsubscribeConfirmation"),
    ],
    [
      "Type (unsubscribe → subscribe)",
      MAKERS.UnsubscribeConfirmation,
      (e) => (e.Type = "SubscriptionConfirmation"),
    ],
    ["Token", MAKERS.SubscriptionConfirmation, (e) => (e.Token = `${e.Token}00`)],
    ["SubscribeURL", MAKERS.SubscriptionConfirmation, (e) => (e.SubscribeURL = "https://attacker.example/")],
    ["UnsubscribeConfirmation Message", MAKERS.UnsubscribeConfirmation, (e) => (e.Message = "changed")],
  ];

  it.each(tamperings)("changed %s", async (_label, make, tamper) => {
    for (const version of ["1", "2"] as const) {
      const envelope: Record<string, unknown> = { ...sign(make(), version) };
      tamper(envelope);
      const error = await rejection(newVerifier().verify(parsed(envelope)));
      expect(error.code).toBe(ErrorCode.SnsSignatureInvalid);
    }
  });

  it("a message signed by another key", async () => {
    const other = createSigningIdentity();
    const envelope = parsed(
      signEnvelope(makeNotification(), {
        version: "2",
        certUrl: fake().certUrl,
        privateKey: other.privateKey,
      }),
    );
    expect((await rejection(newVerifier().verify(envelope))).code).toBe(ErrorCode.SnsSignatureInvalid);
  });

  it("a version 2 message signed with SHA1 (wrong algorithm)", async () => {
    const envelope = parsed(sign(makeNotification(), "2", { digest: "sha1" }));
    expect((await rejection(newVerifier().verify(envelope))).code).toBe(ErrorCode.SnsSignatureInvalid);
  });

  it("a version 1 message signed with SHA256 (wrong algorithm)", async () => {
    const envelope = parsed(sign(makeNotification(), "1", { digest: "sha256" }));
    expect((await rejection(newVerifier().verify(envelope))).code).toBe(ErrorCode.SnsSignatureInvalid);
  });

  it("a SignatureVersion relabelled from 1 to 2", async () => {
    const envelope = parsed({ ...sign(makeNotification(), "1"), SignatureVersion: "2" });
    expect((await rejection(newVerifier().verify(envelope))).code).toBe(ErrorCode.SnsSignatureInvalid);
  });
});

describe("SnsMessageVerifier refuses before fetching anything", () => {
  it.each(["3", "0", "01", "1.0", " 1", "toString", "__proto__"])("SignatureVersion %j", async (version) => {
    const envelope = parsed({ ...sign(makeNotification(), "1"), SignatureVersion: version });
    const error = await rejection(newVerifier().verify(envelope));
    expect(error.code).toBe(ErrorCode.SnsSignatureInvalid);
    expect(error.message).toContain("unsupported SignatureVersion");
    expect(fake().certificateRequests).toHaveLength(0);
  });

  it.each(["not base64!", "c2ln\nbmF0dXJl", "c2lnbmF0dXJl=", "c2ln bmF0dXJl", "%%%%"])(
    "Signature %j",
    async (signature) => {
      const envelope = parsed({ ...sign(makeNotification(), "2"), Signature: signature });
      const error = await rejection(newVerifier().verify(envelope));
      expect(error.code).toBe(ErrorCode.SnsSignatureInvalid);
      expect(error.message).toContain("not base64");
      expect(fake().certificateRequests).toHaveLength(0);
    },
  );

  it("a well-formed base64 signature of the wrong length is just invalid", async () => {
    const envelope = parsed({ ...sign(makeNotification(), "2"), Signature: "c2lnbmF0dXJl" });
    expect((await rejection(newVerifier().verify(envelope))).code).toBe(ErrorCode.SnsSignatureInvalid);
  });
});

describe("SigningCertURL checks", () => {
  const HEX = "0123456789abcdef0123456789abcdef";
  const AWS_ATTACKS: Array<[string, string]> = [
    ["plain http", `http://sns.us-east-1.amazonaws.com/SimpleNotificationService-${HEX}.pem`],
    [
      "a look-alike host",
      `https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-${HEX}.pem`,
    ],
    [
      "userinfo before another host",
      `https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-${HEX}.pem`,
    ],
    ["a path not ending in .pem", `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${HEX}.txt`],
    ["a query string", `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${HEX}.pem?x=.pem`],
    ["a query string after .pem", `https://sns.us-east-1.amazonaws.com/x.pem?.pem`],
    ["a fragment", `https://sns.us-east-1.amazonaws.com/x.pem#.pem`],
    ["another host", `https://evil.example/SimpleNotificationService-${HEX}.pem`],
    ["an S3 host", `https://s3.amazonaws.com/bucket/SimpleNotificationService-${HEX}.pem`],
    ["another TLD", `https://sns.us-east-1.amazonaws.eu/SimpleNotificationService-${HEX}.pem`],
    ["a port", `https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-${HEX}.pem`],
    ["a backslash", `https://sns.us-east-1.amazonaws.com\\@evil.example/x.pem`],
    ["upper case", `HTTPS://SNS.US-EAST-1.AMAZONAWS.COM/x.pem`],
    ["empty", ""],
    ["not a URL", "SimpleNotificationService.pem"],
  ];

  it.each([
    `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${HEX}.pem`,
    `https://sns.eu-central-2.amazonaws.com/SimpleNotificationService-${HEX}.pem`,
    `https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-${HEX}.pem`,
    `https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-${HEX}.pem`,
  ])("the default pattern accepts %s", (url) => {
    expect(checkSigningCertUrl(url, DEFAULT_CERT_URL_PATTERN).href).toBe(url);
  });

  it.each(AWS_ATTACKS)("rejects %s with no fetch made", async (_label, url) => {
    const fetchSpy = jest.spyOn(globalThis, "fetch");
    try {
      expect(() => checkSigningCertUrl(url)).toThrow(ChatbotError);
      const verifier = new SnsMessageVerifier({ logger: captureLogs().logger });
      const envelope = parsed({ ...sign(makeNotification(), "2"), SigningCertURL: url || "x" });
      const error = await rejection(verifier.verify(envelope));
      expect(error.code).toBe(ErrorCode.SnsCertificateUrlRejected);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("rejects variants of the loopback certificate URL, and the fake certificate server sees nothing", async () => {
    const base = fake().certUrl;
    const variants = [
      `${base}?x=1`,
      `${base}#f`,
      base.replace(/\.pem$/, ".txt"),
      base.replace("http://", "https://").replace("127.0.0.1", "127.0.0.1.evil.example"),
      base.replace("http://127.0.0.1", "http://user:pw@127.0.0.1"),
      base.replace("SimpleNotificationService-", "..%2fSimpleNotificationService-"),
      base.replace("127.0.0.1", "localhost"),
    ];
    const verifier = newVerifier();
    for (const url of variants) {
      const envelope = parsed({ ...sign(makeNotification(), "1"), SigningCertURL: url });
      expect((await rejection(verifier.verify(envelope))).code).toBe(ErrorCode.SnsCertificateUrlRejected);
    }
    expect(fake().certificateRequests).toHaveLength(0);
  });

  describe("the extra checks hold even under a permissive pattern", () => {
    const anything = /.*/;
    it.each([
      ["userinfo", "https://user@sns.us-east-1.amazonaws.com/x.pem", "user information"],
      ["http to a non-loopback host", "http://sns.us-east-1.amazonaws.com/x.pem", "not https"],
      ["another scheme", "ftp://sns.us-east-1.amazonaws.com/x.pem", "not https"],
      ["file scheme", "file:///etc/x.pem", "not https"],
      ["a query", "https://sns.us-east-1.amazonaws.com/x.pem?a", "query string"],
      ["an empty query", "https://sns.us-east-1.amazonaws.com/x.pem?", "query string"],
      ["a non-.pem path", "https://sns.us-east-1.amazonaws.com/x.crt", "does not end in .pem"],
      ["a non-canonical form", "https://sns.us-east-1.amazonaws.com/a/../x.pem", "canonical"],
      ["a backslash", "https://sns.us-east-1.amazonaws.com\\x.pem", "canonical"],
      ["a default port spelled out", "https://sns.us-east-1.amazonaws.com:443/x.pem", "canonical"],
    ])("%s", (_label, url, reason) => {
      expect(() => checkSigningCertUrl(url, anything)).toThrow(reason);
    });

    it("but allows http to loopback, which is how tests serve certificates", () => {
      expect(checkSigningCertUrl("http://127.0.0.1:8080/a.pem", anything).host).toBe("127.0.0.1:8080");
      expect(checkSigningCertUrl("http://[::1]:8080/a.pem", anything).hostname).toBe("[::1]");
    });
  });

  it("copes with a global pattern's lastIndex", () => {
    const globalPattern = new RegExp(fake().certUrlPattern.source, "g");
    for (let i = 0; i < 3; i++)
      expect(checkSigningCertUrl(fake().certUrl, globalPattern).href).toBe(fake().certUrl);
  });
});

describe("SnsMessageVerifier logging", () => {
  it("names the message but never logs its Message, Subject or Token", async () => {
    const capture = captureLogs();
    const verifier = newVerifier(capture.logger);
    const secretMessage = "BODY-SECRET-3f9a alarm text";
    const secretSubject = "SUBJECT-SECRET-77c1";
    const good = sign(makeNotification({ message: secretMessage, subject: secretSubject }), "2");
    await verifier.verify(parsed(good));
    await rejection(verifier.verify(parsed({ ...good, Message: `${secretMessage}!` })));
    const confirmation = sign(makeSubscriptionConfirmation({ token: "TOKEN-SECRET-a1b2c3" }), "1");
    await verifier.verify(parsed(confirmation));
    await rejection(verifier.verify(parsed({ ...confirmation, SignatureVersion: "9" })));
    const text = capture.text();
    expect(capture.lines.length).toBeGreaterThanOrEqual(4);
    expect(text).toContain(good.MessageId as string);
    expect(text).toContain("SNS message failed verification");
    expect(text).not.toContain("BODY-SECRET");
    expect(text).not.toContain("SUBJECT-SECRET");
    expect(text).not.toContain("TOKEN-SECRET");
  });
});
