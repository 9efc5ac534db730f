"""Second, independent oracle: python3-xgboost trains and predicts; the C# evaluator must agree.

Usage: train_reference.py OUT_DIR OBJECTIVE SEED
Writes model.json, x.f32 (rows x cols float32, NaN = missing), pred.f32, contribs.f32, shape.txt.
"""
import sys

import numpy as np
import xgboost as xgb

out, objective, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(seed)
rows, cols = 3000, 24
x = rng.normal(size=(rows, cols)).astype(np.float32)
x[:, 3] = np.round(np.abs(x[:, 3]) * 5)
x[rng.random(x.shape) < 0.2] = np.nan
z = np.nan_to_num(x)
score = 1.5 * z[:, 0] - z[:, 1] * z[:, 2] + 0.3 * z[:, 3] + np.where(np.isnan(x[:, 4]), 0.8, -0.2) + rng.normal(scale=0.5, size=rows)
if objective == "binary:logistic":
    y = (rng.random(rows) < 1 / (1 + np.exp(-score))).astype(np.float32)
else:
    y = score.astype(np.float32)

names = [f"f_{i}" for i in range(cols)]
train = xgb.DMatrix(x[:2000], label=y[:2000], feature_names=names, nthread=1)
params = {"objective": objective, "max_depth": 5, "eta": 0.2, "subsample": 0.9, "seed": seed,
          "nthread": 1, "tree_method": "exact"}
booster = xgb.train(params, train, num_boost_round=40)
booster.save_model(f"{out}/model.json")

test = xgb.DMatrix(x[2000:], feature_names=names, nthread=1)
x[2000:].tofile(f"{out}/x.f32")
booster.predict(test).astype(np.float32).tofile(f"{out}/pred.f32")
booster.predict(test, pred_contribs=True).astype(np.float32).tofile(f"{out}/contribs.f32")
with open(f"{out}/shape.txt", "w") as f:
    f.write(f"{rows - 2000} {cols}")
