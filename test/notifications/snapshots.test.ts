import { renderNotification } from "../../src/notifications";
import { fixture } from "./sns-fixtures";

/** What operators actually read, for review in diffs; the property and fixture tests hold the rules. */
describe.each([
  "cw-alarm-ec2-cpu-alarm",
  "cw-composite-alarm",
  "custom-notification-full",
  "guardduty-finding-high",
  "eventbridge-unknown-widget-rotated",
  "mention-injection-alarm",
])("%s", (file) => {
  it("renders as reviewed", () => {
    expect(renderNotification(fixture(file).envelope)).toMatchSnapshot();
  });
});
