import { stopLocalEnvironment } from "./local-aws";

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(15_000);
    await stopLocalEnvironment();
  },
};
