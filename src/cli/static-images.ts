/** `gatescope static-images NOTEBOOK...`: a PNG beside every chart, for viewers that run no scripts. */
import { GatescopeError } from "../errors";
import { addStaticImages } from "../viz/static-images";

export async function staticImagesCommand(argv: string[], out: (line: string) => void): Promise<number> {
  if (argv.length === 0 || argv.some((a) => a.startsWith("-"))) {
    const got = argv.length ? `"${argv.join(" ")}"` : "none";
    throw new GatescopeError(`static-images: expected executed notebooks (.ipynb), got ${got}`);
  }
  for (const nb of argv) out(`${nb}: ${await addStaticImages(nb)} chart(s) given a static image`);
  return 0;
}
