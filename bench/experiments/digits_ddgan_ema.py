#!/usr/bin/env python
"""How much of the pixel DDGAN's quality is its weight average, and would a longer average do better?

Sampling the raw generator of a 5-minute digits DDGAN (five D steps, seed 0) gives FD 77.5 where its EMA gives 13.2
(500 images, guidance 1; bench/results/digits_ddgan_ema.json): the GAN's iterates oscillate and the average smooths them. The script's EMA warms up as
beta_n = min(decay, (1 + n) / (10 + n)), which over a few hundred steps is an average over roughly the last tenth of
training. This experiment trains the script's pixel DDGAN (`train_cclddg.py`, the digits curve's UNet, the flags
given) once, keeps the raw generator's weights every `--every` steps in memory, and afterwards rebuilds averages
of other profiles from those snapshots (each snapshot standing for the steps since the previous one), then scores
each with the digits judge (conditional accuracy, feature FD against the test split, same sampling seed as
bench/digits_ddgan_curve.py):

- `ema_c{c}`: beta_n = min(decay, (1 + n) / (c + n)); c = 10 is the script's own (rebuilt: its FD checks the
  rebuild against the trained EMA's), smaller c averages over a longer tail (about the last 1/c of training)
- `tail{f}`: the plain mean of the snapshots of the last fraction f of training
- `raw`: the last iterate, `trained_ema`: the run's own EMA

    python bench/experiments/digits_ddgan_ema.py --minutes 5 --out bench/out/ddgan_ema --results bench/results/digits_ddgan_ema.json
"""
import argparse, json, platform, sys, time
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / 'bench'))
import train_cclddg as tc
from cclddg.training import Callback
from cclddg.cclddg import load_pipeline
from cclddg.evaluation import evaluate_digits_samples
from digits_ddgan_curve import UNET, MODELS, rel


class Snapshots(Callback):
    "The raw generator's parameters (flattened, float32) before training and every `every` steps, with their step numbers"
    def __init__(self, every: int): self.every, self.steps, self.flat = every, [], []
    def keep(self, tr):
        self.steps.append(tr.step); self.flat.append(torch.nn.utils.parameters_to_vector(tr.G.parameters()).detach().float().cpu())
    def before_fit(self, tr): self.keep(tr)
    def after_step(self, tr, loss):
        if tr.step % self.every == 0: self.keep(tr)
    def after_fit(self, tr):
        if self.steps[-1] != tr.step: self.keep(tr)


def rebuild(snap: Snapshots, beta) -> torch.Tensor:
    "theta_EMA over the run's steps with per-step decay beta(n), the weights of update n read from the first snapshot at or after it"
    ema, j = snap.flat[0].clone(), 1
    for n in range(snap.steps[-1]):
        while snap.steps[j] < n + 1: j += 1
        ema.lerp_(snap.flat[j], 1 - beta(n))
    return ema


def tail_mean(snap: Snapshots, frac: float) -> torch.Tensor:
    "The plain mean of the snapshots in the last `frac` of the run"
    first = snap.steps[-1] * (1 - frac)
    return torch.stack([f for s, f in zip(snap.steps, snap.flat) if s > first]).mean(0)


def score(pipe, flat: torch.Tensor | None, n_per: int) -> dict:
    if flat is not None: torch.nn.utils.vector_to_parameters(flat.to(next(pipe.model.parameters()).dtype), pipe.model.parameters())
    y = torch.arange(10).repeat_interleave(n_per)
    x = pipe.generate(y, cfg=1., seed=1)
    return {k: float(v) for k, v in evaluate_digits_samples(x * 2 - 1, y).items()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, default=5.)
    p.add_argument('--model', default='ddgan4_recon_d5', help="flags of bench/digits_ddgan_curve.py's model (default: ddgan4_recon_d5)")
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--every', type=int, default=2, help='keep the raw weights every N steps (default: 2)')
    p.add_argument('--n_per_class', type=int, default=50)
    p.add_argument('--out', default=str(ROOT / 'bench' / 'out' / 'ddgan_ema'))
    p.add_argument('--results', default=str(ROOT / 'bench' / 'results' / 'digits_ddgan_ema.json'))
    a = p.parse_args()
    snap, make_cbs = Snapshots(a.every), tc.callbacks
    def with_snapshots(*args, **kw):              # the script's callbacks, plus ours
        cbs, wandb_cb = make_cbs(*args, **kw)
        return [*cbs, snap], wandb_cb
    tc.callbacks = with_snapshots
    argv = ['--dataset', 'digits', *UNET, *MODELS[a.model], '--seed', str(a.seed), '--out', rel(a.out), '--max_minutes', str(a.minutes), '--eval_samples', '0']
    print('$ python train_cclddg.py', ' '.join(argv), flush=True)
    tc.main(argv)
    info = json.loads((Path(a.out) / 'metrics.json').read_text())
    N = snap.steps[-1]
    print(f"{N} steps, {len(snap.flat)} snapshots", flush=True)
    pipe = load_pipeline(a.out)                     # its EMA generator
    rows = [dict(average='trained_ema', **score(pipe, None, a.n_per_class))]
    decay = pipe.config.get('train', {}).get('ema_decay', 0.999)
    cands = [('raw', snap.flat[-1])]
    for c in (10, 5, 3, 2): cands.append((f'ema_c{c}', rebuild(snap, lambda n, c=c: min(decay, (1 + n) / (c + n)))))
    for f in (0.1, 0.25, 0.5): cands.append((f'tail{f:g}', tail_mean(snap, f)))
    for name, flat in cands:
        rows.append(dict(average=name, **score(pipe, flat, a.n_per_class))); print(rows[-1], flush=True)
    res = dict(experiment='digits_ddgan_ema', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               train_command='python train_cclddg.py ' + ' '.join(argv), steps=N, every=a.every,
               final_losses=info.get('final_losses'), machine=f"{platform.platform()}, {torch.get_num_threads()} threads",
               date=time.strftime('%Y-%m-%d %H:%M:%S'), rows=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True); Path(a.results).write_text(json.dumps(res, indent=2))
    print('\n| average | accuracy | FD | floor |\n|---|---|---|---|')
    for r in rows: print(f"| {r['average']} | {r['cond_acc']:.3f} | {r['fd']:.2f} | {r['fd_real_vs_real']:.2f} |")
    print('saved', rel(a.results))

if __name__ == '__main__': main()
