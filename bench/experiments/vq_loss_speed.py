#!/usr/bin/env python
"""How much of a VQ-Diffusion training step is the loss, before and after notebook 11's per-token posterior.

Times one training step (forward, `VQDiffusion.loss`, backward, AdamW) of the `shapes` default transformer (8x8
tokens, width 128, 4 blocks, a 3-token condition) at batch 32, for the factored K = 512 and the joint K = 128
vocabulary, three ways: the network with a plain cross-entropy (no diffusion loss), the loss as notebook 11 computes
it now (`log_q_xt_from` from per-token numbers, the target posterior by `q_posterior_x0`), and the reference path it
replaced (a dense one-hot through `logaddexp`, and the target posterior as `q_posterior` of a one-hot x0). Checks
first that the two losses agree. Prints a table, saves bench/results/vq_loss_speed.json.

    python bench/experiments/vq_loss_speed.py
"""
import argparse, json, platform, sys, time
from contextlib import contextmanager
from pathlib import Path
import torch, torch.nn.functional as F
from einops import rearrange
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import cclddg.vqdiffusion as vqd
from cclddg.vqdiffusion import DenoisingTransformer, VQDiffusion, log_onehot, LOG0


def log_q_xt_from_dense(x_t, la, lb, lg, K):
    "The reference: a one-hot of x_t through logaddexp over [B, K+1, ...] (what log_q_xt_from computed before)"
    oh = log_onehot(x_t, K + 1)
    la, lb, lg = (vqd._col(v, oh) for v in (la, lb, lg))
    to_normal = torch.cat([torch.logaddexp(oh[:, :K] + la, lb), torch.full_like(oh[:, :1], LOG0)], 1)
    to_mask = torch.cat([lg.expand_as(oh[:, :K]), torch.zeros_like(oh[:, :1])], 1)
    return torch.where(rearrange(x_t == K, 'b ... -> b 1 ...'), to_mask, to_normal)


@contextmanager
def reference_loss():
    "Swap in the dense transition column and the generic target posterior"
    saved = vqd.log_q_xt_from, VQDiffusion.q_posterior_x0
    vqd.log_q_xt_from = log_q_xt_from_dense
    VQDiffusion.q_posterior_x0 = lambda self, x0, x_t, t: self.q_posterior(log_onehot(x0, self.K), x_t, t)
    try: yield
    finally: vqd.log_q_xt_from, VQDiffusion.q_posterior_x0 = saved


def time_it(f, n: int, warmup: int = 3) -> float:
    for _ in range(warmup): f()
    t0 = time.perf_counter()
    for _ in range(n): f()
    return (time.perf_counter() - t0) / n


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--batch_size', type=int, default=32)
    p.add_argument('--steps', type=int, default=20, help='timed steps per round')
    p.add_argument('--rounds', type=int, default=3, help='rounds, interleaved; the median is reported')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--out', default=str(ROOT / 'bench' / 'results' / 'vq_loss_speed.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    rows = []
    for name, K, factors in [('factored, K = 64 x 8', 512, (64, 8)), ('joint, K = 128', 128, None)]:
        net = DenoisingTransformer(K, 8, dim=128, depth=4, cond_dim=64, factors=factors)
        d = VQDiffusion(K, 100, 'mask_only', aux_weight=1.)
        opt = torch.optim.AdamW(net.parameters(), 1e-3)
        B = a.batch_size
        x0, c = torch.randint(0, K, (B, 8, 8)), torch.randn(B, 3, 64)
        t, eps = torch.randint(0, 100, (B,)), torch.randn(B, 8, 8)
        new = d.loss(net, x0, c, t=t, eps=eps).item()
        with reference_loss(): ref = d.loss(net, x0, c, t=t, eps=eps).item()
        assert abs(new - ref) <= 1e-4 * max(1., abs(ref)), (new, ref)
        def step():
            opt.zero_grad(set_to_none=True); d.loss(net, x0, c).backward(); opt.step()
        def net_only():
            opt.zero_grad(set_to_none=True); tt = torch.randint(0, 100, (B,))
            F.cross_entropy(net(d.q_sample(x0, tt), tt, c), x0).backward(); opt.step()
        def ref_step():
            with reference_loss(): step()
        times = {k: [] for k in ('network_only', 'loss_now', 'loss_reference')}
        for _ in range(a.rounds):
            for k, f in (('network_only', net_only), ('loss_now', step), ('loss_reference', ref_step)):
                times[k].append(time_it(f, a.steps))
        med = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
        row = dict(model=name, K=K, loss_now=new, loss_reference=ref, **{f'ms_per_step_{k}': 1e3 * v for k, v in med.items()},
                   speedup=med['loss_reference'] / med['loss_now'])
        print(f"{name}: network + cross-entropy {row['ms_per_step_network_only']:.0f} ms, with the diffusion loss now "
              f"{row['ms_per_step_loss_now']:.0f} ms, with the reference loss {row['ms_per_step_loss_reference']:.0f} ms "
              f"({row['speedup']:.2f}x); losses {new:.5f} / {ref:.5f}", flush=True)
        rows.append(row)
    res = dict(benchmark='vq_loss_speed', command='python ' + ' '.join([str(Path(sys.argv[0]).resolve().relative_to(ROOT)), *sys.argv[1:]]),
               machine=f"{platform.platform()}, {a.threads} threads, torch {torch.__version__}",
               date=time.strftime('%Y-%m-%d %H:%M:%S'), batch_size=a.batch_size, rows=rows)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=1) + '\n')
    print('saved', a.out)


if __name__ == '__main__':
    main()
