/** The built-in cell kinds, registered once on first import; users add theirs with registerCell. */
import { registerBuiltIn } from "./registry";
import { rnnRelu, rnnTanh } from "./rnn";
import { lstm } from "./lstm";
import { gru } from "./gru";
import { mgu } from "./mgu";
import { indrnn } from "./indrnn";
import { urnn } from "./urnn";

for (const d of [rnnTanh, rnnRelu, lstm, gru, mgu, indrnn, urnn]) registerBuiltIn(d);

export {
  cellDescription,
  cellKinds,
  isBuiltIn,
  registerCell,
  unregisterCell,
  resolveCellOptions,
  option,
  type CellDescription,
  type CellOption,
  type CellOptions,
} from "./registry";
export * from "./cell";
