/** Finite differences and error measures shared by the gradient tests: the library's own. */
export { numericGrad, scaledError, randomTensor, dot } from "../../src/model/gradcheck";
