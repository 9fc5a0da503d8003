import * as path from "path";

/** Tests run from dist-test/test/…; these point back into the repository. */
export const REPO = path.resolve(__dirname, "../../..");
export const FIXTURES = path.join(REPO, "test/fixtures/torch");
export const CLI = path.join(REPO, "dist/src/cli/main.js");

/**
 * A script prelude (for `node -e`) that makes the native addon unloadable, as on a machine where it
 * was never built: node-gyp-build throws what it throws when it finds no binary.
 */
export const WITHOUT_NATIVE = `{
  const Module = require("module");
  const id = require.resolve("node-gyp-build", { paths: [${JSON.stringify(REPO)}] });
  const m = new Module(id);
  m.loaded = true;
  m.exports = () => { throw new Error("No native build was found for platform=linux arch=x64 (not built here)"); };
  require.cache[id] = m;
}`;
