/** Once Slack is configured, `/` is a short status page instead of the setup page. */
import { CONTENT_SECURITY_POLICY } from "../../src/first-run/page-style";
import { startTestServer, type TestServer } from "../support/server";

describe("GET / with Slack configured", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      kind: "sqlite",
      env: {
        SLACK_CLIENT_ID: "1.2",
        SLACK_CLIENT_SECRET: "client-secret-value",
        SLACK_STATE_SECRET: "state-secret-value",
        PUBLIC_URL: "https://chatbot.acme.test",
      },
    });
  });
  afterAll(async () => {
    await server.stop();
  });

  it("says the app runs and where Slack and SNS reach it, and nothing of the setup page", async () => {
    const response = await fetch(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    const page = await response.text();
    expect(page).toContain("aws-chatbot is running");
    expect(page).toContain('<a id="install" href="/slack/install">Add to Slack</a>');
    expect(page).toContain("https://chatbot.acme.test/sns/events");
    expect(page).not.toContain("Create the Slack app");
    expect(page).not.toContain("<textarea");
    expect(page).not.toContain("client-secret-value");
    expect((await fetch(`${server.url}/preview`, { method: "POST", body: "message=x" })).status).toBe(404);
  });
});
