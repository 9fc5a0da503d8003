/**
 * Golden values: the exact numbers the seeded generators, the initialiser presets and each
 * task's fixed validation and test sets produce today. The raw 32-bit stream is pinned in
 * rng.test.ts; these pin what is built on it, so a change to sampling, an initialiser or a task
 * generator (which would silently change every published result) fails here and must be owned.
 */
import { expect } from "chai";
import { Rng } from "../../src/math/rng";
import { RecurrentNet } from "../../src/model/recurrent";
import { makeTask, testSet, validationSet, type TaskName } from "../../src/tasks";
import type { Tensor } from "../../src/math/tensor";

const GOLDEN = {
  uniform: [0.4137016681565887, 0.003983993377814743, 0.6500837027638867],
  range: [0.3692040372282832],
  int: [6, 417],
  normal: [0.560788521706427, -0.7029459271478264],
  pytorch: {
    weight_ih_l0: [-0.09312599512081343, 0.22726325279630533, -0.01893418972147809],
    weight_hh_l0: [-0.4682399171771097, -0.48042917426836923, -0.5400907317773941],
    bias_ih_l0: [-0.22608925703986055, -0.3240263937495382, -0.21849367280581938],
    bias_hh_l0: [-0.4311996637327956, -0.09296064238193169, -0.016184064585584523],
  },
  keras: {
    weight_ih_l0: [-0.17669415237089858, 0.43120170437697314, -0.035925099101771885],
    weight_hh_l0: [0.3941662565737072, -0.8763098189076575, -0.2769730374327061],
    bias_ih_l0: [0, 0, 0],
    bias_hh_l0: [0, 0, 0],
  },
  irnn: {
    weight_ih_l0: [-0.00034198557058483594, 0.00017906135024902637, 4.727293383669898e-5],
    weight_hh_l0: [1, 0, 0],
    bias_ih_l0: [0, 0, 0],
    bias_hh_l0: [0, 0, 0],
  },
  adding: {
    test_x: [
      [0, 0.34059539102516356],
      [2, 0.19097456437603821],
      [4, 0.8973665346125873],
      [6, 0.45042971249885866],
    ],
    test_y: [0.5729487793256951, 1.7056639221836456],
    val_x: [
      [0, 0.018588604088619287],
      [2, 0.5087456852670806],
      [4, 0.8921513293875337],
      [6, 0.593310999704426],
    ],
  },
  adding_hs97: {
    test_x: [
      [0, -0.3188092179496729],
      [1, -1],
      [2, -0.6180508712479236],
      [4, 0.7947330692251746],
    ],
    test_y: [0.35512822104594405, 0.7620376388429682],
    val_x: [
      [0, -0.9628227918227614],
      [1, -1],
      [2, 0.017491370534161277],
      [4, 0.7843026587750674],
    ],
  },
  copy: {
    test_x: [
      [7, 1],
      [17, 1],
      [23, 1],
      [34, 1],
    ],
    test_y: [0, 0, 0, 0],
    val_x: [
      [4, 1],
      [15, 1],
      [25, 1],
      [33, 1],
    ],
  },
  temporal_order: {
    test_x: [
      [5, 1],
      [11, 1],
      [22, 1],
      [27, 1],
    ],
    test_y: [0, 1],
    val_x: [
      [5, 1],
      [8, 1],
      [18, 1],
      [30, 1],
    ],
  },
};

const nonzero = (x: Tensor) =>
  Array.from(x.data)
    .map((v, i) => [i, v])
    .filter(([, v]) => v !== 0)
    .slice(0, 4);

describe("golden values", () => {
  it("uniform, range, int and normal draws from Rng(42)", () => {
    const r = new Rng(42);
    expect([r.uniform(), r.uniform(), r.uniform()]).to.deep.equal(GOLDEN.uniform);
    expect([r.range(-1, 1)]).to.deep.equal(GOLDEN.range);
    expect([r.int(10), r.int(1000)]).to.deep.equal(GOLDEN.int);
    expect([r.normal(), r.normal(0.5, 2)]).to.deep.equal(GOLDEN.normal);
  });

  for (const init of ["pytorch", "keras", "irnn"] as const) {
    it(`the "${init}" initialisation preset`, () => {
      const kind = init === "irnn" ? "rnn_relu" : "lstm";
      const n = new RecurrentNet({ kind, inputSize: 2, hiddenSize: 3, init, dtype: "float64" }, new Rng(7));
      const got = Object.fromEntries(Object.entries(n.params).map(([k, t]) => [k, Array.from(t.data.slice(0, 3))]));
      expect(got).to.deep.equal(GOLDEN[init]);
    });
  }

  for (const [name, T] of [
    ["adding", 20],
    ["adding_hs97", 20],
    ["copy", 10],
    ["temporal_order", 20],
  ] as Array<[TaskName, number]>) {
    it(`${name}: the fixed test and validation sets`, () => {
      const task = makeTask({ name, T });
      const b = testSet(task, 2),
        v = validationSet(task, 2);
      const golden = GOLDEN[name];
      expect(nonzero(b.x)).to.deep.equal(golden.test_x);
      expect(b.y ? Array.from(b.y.data) : Array.from(b.classes!.slice(0, 4))).to.deep.equal(golden.test_y);
      expect(nonzero(v.x)).to.deep.equal(golden.val_x);
    });
  }
});
