#!/usr/bin/env python
"Plot the discriminator's mean logits and accuracy over training from bench/results/shapes_gan_diagnostics.json"
import json
from pathlib import Path
import matplotlib; matplotlib.use('Agg')
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[2]
res = json.loads((ROOT/'bench'/'results'/'shapes_gan_diagnostics.json').read_text())
fig, ax = plt.subplots(1, 3, figsize=(12, 2.8))
for name, r in res['runs'].items():
    xs = [sum(int(v) for v in k.split('-')) / 2 for k in r['curve']]
    for a, k in zip(ax, ('d_acc', 'd_real', 'loss_d')):
        a.plot(xs, [c[k] for c in r['curve'].values()], marker='o', label=f"{name}: fidelity {r['fidelity']:.2f}, diversity {min(r['diversity'].values()):.2f}-{max(r['diversity'].values()):.2f}")
    ax[1].plot(xs, [c['d_fake'] for c in r['curve'].values()], ls='--', c=ax[1].lines[-1].get_color())
ax[0].axhline(0.5, c='grey', ls=':'); ax[2].axhline(1.3863, c='grey', ls=':')
for a, t in zip(ax, ('D accuracy (0.5 = chance)', 'mean D logit: real (solid), fake (dashed)', 'L_D (2 ln 2 = chance)')):
    a.set_title(t, fontsize=9); a.set_xlabel('iteration')
ax[0].legend(fontsize=6)
plt.tight_layout(); plt.savefig(ROOT/'nbs'/'images'/'shapes_gan_diagnostics.png', dpi=110)
print('saved nbs/images/shapes_gan_diagnostics.png')
