import * as path from "path";

/** Tests run from dist-test/test/…; these point back into the repository. */
export const REPO = path.resolve(__dirname, "../../..");
export const FIXTURES = path.join(REPO, "test/fixtures/torch");
export const CLI = path.join(REPO, "dist/src/cli/main.js");
