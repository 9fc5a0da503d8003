/** The built-in cell kinds, registered once on first import; users add theirs with registerCell. */
import { registerBuiltIn } from "./registry";
import { rnnRelu, rnnTanh } from "./rnn";
import { lstm, type LstmOptions } from "./lstm";
import { gru, type GruOptions } from "./gru";
import { mgu } from "./mgu";
import { indrnn, type IndrnnOptions } from "./indrnn";
import { urnn } from "./urnn";

/** The built-in cells: each file's description, registered in this order. */
export const BUILT_IN_CELLS = [rnnTanh, rnnRelu, lstm, gru, mgu, indrnn, urnn] as const;
for (const d of BUILT_IN_CELLS) registerBuiltIn(d);

/** The built-in kinds; `cellKinds()` lists every registered one, users' included. */
export type Kind = (typeof BUILT_IN_CELLS)[number]["kind"];
/** The built-in kinds' options as a config names them (each documented in its cell's file). */
export type BuiltInOptions = LstmOptions & GruOptions & IndrnnOptions;

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
