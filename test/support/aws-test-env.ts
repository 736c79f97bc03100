/**
 * Jest `setupFiles`: the AWS SDK's default credential chain and region for every test process. The
 * values are fake on purpose, so that no test can ever sign a request with a developer's real
 * credentials; AWS itself is never reachable from tests (AWS_ENDPOINT_URL_SNS points at the fake).
 */
process.env.AWS_ACCESS_KEY_ID = "AKIDTESTCHATBOT00000";
process.env.AWS_SECRET_ACCESS_KEY = "fake-secret-access-key-for-tests";
process.env.AWS_REGION = "us-east-1";
// A session token or profile from the developer's shell would otherwise join the fake keys.
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
// Never probe the EC2 instance metadata service for credentials.
process.env.AWS_EC2_METADATA_DISABLED = "true";

export {};
