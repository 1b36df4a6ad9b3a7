import { stopLocalEnvironment } from "./local-aws";

// The AWS SDK warns once per process that future releases need Node 22; the Lambda runs 22, the tests 20+.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(15_000);
    await stopLocalEnvironment();
  },
};
