/** `gatescope static-images NOTEBOOK...`: a PNG beside every chart, for viewers that run no scripts. */
import { addStaticImages } from "../viz/static-images";
import { parseCommandArgs } from "./args";

export async function staticImagesCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const notebooks = { one: "executed notebook", many: "executed notebooks (.ipynb)", min: 1, max: Infinity };
  for (const nb of parseCommandArgs("static-images", argv, notebooks).operands)
    out(`${nb}: ${await addStaticImages(nb)} chart(s) given a static image`);
  return 0;
}
