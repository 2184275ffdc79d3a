#!/usr/bin/env python
"""Benchmark: training throughput of cclddg's VQ-Diffusion denoising transformer against diffusers' Transformer2DModel.

cclddg's `DenoisingTransformer` (cclddg/vqdiffusion.py, built as `train_cclddg.py`'s `transformer(a, grid, emb, n_classes)`
builds it) and diffusers' `Transformer2DModel` configured for discrete inputs (the model of diffusers' VQ-Diffusion
pipeline: `num_vector_embeds` = K + 1 codes with the [MASK] token, `sample_size` = the token grid's side,
`num_embeds_ada_norm` = T diffusion steps, so AdaLayerNorm time conditioning) get the same sizes: width, depth, heads
(head dim = width / heads), the same 4x GELU MLP (`activation_fn='gelu'`; diffusers' default GEGLU would give it ~19%
more parameters), biases in the attention projections as ours have (`attention_bias=True`), and cross-attention to the
same condition: for `shapes`, a sequence of `--cond_len` embeddings of size `--cond_dim` (the tiny CLOOB embedder's 64,
the caption plus `--max_phrases` 2 object phrases), which diffusers takes as `encoder_hidden_states` with
`cross_attention_dim = --cond_dim`; for `digits`, class ids, which ours embeds to one token of its width and diffusers
(which has no class input on discrete data) gets from an `nn.Embedding(n_classes, width)` in front of it.

The loss is a plain cross-entropy between each network's output and random target tokens, for BOTH networks: ours is
called directly (`net(x_t, t, c)` -> logits [B, K, h, w], then `F.cross_entropy`), not through `VQDiffusion.loss` (whose
posterior KL terms would be extra work diffusers' model does not do), and diffusers' model returns log p(x0) [B, K, h*w]
(its forward ends with a float64 log_softmax, a part of its network) that goes to `F.nll_loss`. So the cost measured is
the network's: forward + loss + backward + AdamW step on random tokens x_t, random steps t and a fixed random condition.
Ours takes a step per sample; diffusers' discrete model takes one step for the whole batch (its AdaLayerNorm chunks the
[B, 2 width] step embedding along dim 0, which only works for a single step, as its VQ-Diffusion pipeline passes it), so
it gets the batch's first step: a negligible saving for it (one embedding row instead of B). After `--warmup` untimed
steps, `--steps` steps are timed, in `--rounds` interleaved rounds (ours, diffusers, then diffusers, ours, ...: a busy
machine slows both alike); the median round is reported (and the median of the per-round ratios, pairs run back to
back). Prints a table and saves bench/results/vq_transformer_vs_diffusers.json; `--profile` adds torch.profiler's top
ops of each model.
Issue 14's goal: throughput ratio ours / diffusers >= 1.0.

    python bench/vq_transformer_vs_diffusers.py                          # shapes (8x8 tokens, K=128) and digits (4x4, K=64)
    python bench/vq_transformer_vs_diffusers.py --cases shapes 16x16 --threads 1 --out /tmp/vq16.json
    python bench/vq_transformer_vs_diffusers.py --profile                # + the top ops of each model
    python bench/vq_transformer_vs_diffusers.py --cases shapes --steps 2 --warmup 1 --rounds 1 --out /tmp/vq.json   # a quick smoke run
"""
import argparse, json, os, platform, statistics, sys, time, warnings
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / 'bench'))  # run from a checkout without installing
from unet_vs_diffusers import rel, n_params, time_steps
from cclddg.vqdiffusion import DenoisingTransformer
from cclddg.core import get_device, seed_everything

# token grid side, codebook size K, and the condition: embeddings (cond_dim, cond_len tokens) or class ids (n_classes)
CASES = {'shapes': dict(grid=8, K=128, cond='emb'),          # shapes 32x32 / tokenizer downsample 4, K=128, tiny embedder
         'digits': dict(grid=4, K=64, cond='class', n_classes=10),   # digits 16x16 / 4, K=64, class ids
         '16x16': dict(grid=16, K=128, cond='emb')}          # shapes-like at 64x64 pixels

def ours_config(a, case: dict) -> dict:
    "The DenoisingTransformer arguments, as train_cclddg.py's transformer(a, grid, emb, n_classes) makes them"
    cond = dict(cond_dim=a.cond_dim) if case['cond'] == 'emb' else dict(n_classes=case['n_classes'])
    return dict(K=case['K'], h=case['grid'], w=case['grid'], dim=a.width, depth=a.depth, heads=a.heads, dropout=0., **cond)

class ClassTokens(nn.Module):
    "diffusers' Transformer2DModel behind an embedding of class ids [B] as one cross-attention token [B, 1, width]"
    def __init__(self, net, n_classes: int, dim: int):
        super().__init__()
        self.net, self.embed = net, nn.Embedding(n_classes, dim)
    def forward(self, x, timestep, c): return self.net(x, encoder_hidden_states=self.embed(c)[:, None], timestep=timestep, return_dict=False)[0]

def diffusers_model(a, case: dict):
    "A discrete-input Transformer2DModel of our sizes (and the wrapper that turns class ids into a token)"
    with warnings.catch_warnings():   # diffusers' own module warns that its Transformer2DModelOutput import path is deprecated
        warnings.simplefilter('ignore', FutureWarning)
        from diffusers import Transformer2DModel
    net = Transformer2DModel(num_attention_heads=a.heads, attention_head_dim=a.width // a.heads, num_layers=a.depth,
                             cross_attention_dim=a.cond_dim if case['cond'] == 'emb' else a.width, sample_size=case['grid'],
                             num_vector_embeds=case['K'] + 1, num_embeds_ada_norm=a.T, norm_type='ada_norm',
                             activation_fn=a.diffusers_ff, attention_bias=True, dropout=0.)
    return (ClassTokens(net, case['n_classes'], a.width) if case['cond'] == 'class' else net), dict(net.config)

class Runner:
    "One model, its AdamW optimiser and a fixed batch; `run(n)` times n training steps"
    def __init__(self, name, model, call, case, a, device):
        self.name, self.model, self.call, self.device = name, model.to(device).train(), call, device
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=1e-4)
        g, B, S = torch.Generator().manual_seed(0), a.batch_size, case['grid']
        self.x = torch.randint(0, case['K'] + 1, (B, S, S), generator=g).to(device)        # x_t, [MASK] = K included
        self.x0 = torch.randint(0, case['K'], (B, S, S), generator=g).to(device)           # the targets
        self.t = torch.randint(0, a.T, (B,), generator=g).to(device)
        self.c = (torch.randn(B, a.cond_len, a.cond_dim, generator=g) if case['cond'] == 'emb' else
                  torch.randint(0, case['n_classes'], (B,), generator=g)).to(device)

    def step(self):
        loss = self.call(self.model, self.x, self.t, self.c, self.x0)
        self.opt.zero_grad(set_to_none=True); loss.backward(); self.opt.step()

    def run(self, n): return time_steps(self.step, n, self.device)

def ours_loss(m, x, t, c, x0): return F.cross_entropy(m(x, t, c), x0)                             # logits [B, K, h, w]
def diffusers_loss(m, x, t, c, x0):
    t = t[0]   # one step for the batch: diffusers' AdaLayerNorm (chunk_dim=0) splits a [B] step embedding along the batch
    if isinstance(m, ClassTokens): out = m(x.flatten(1), t, c)
    else: out = m(x.flatten(1), encoder_hidden_states=c, timestep=t, return_dict=False)[0]   # (its output class warns per call)
    return F.nll_loss(out, x0.flatten(1))                                                            # log p(x0) [B, K, h*w]

def profile(r: Runner, steps: int, top: int) -> list:
    "torch.profiler's top ops (by self CPU time; on a GPU by self device time) over `steps` training steps of one runner"
    from torch.profiler import profile as prof, ProfilerActivity
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if r.device.type == 'cuda' else [])
    with prof(activities=acts) as p: r.run(steps)
    cuda = r.device.type == 'cuda'
    ev = sorted(p.key_averages(), key=lambda e: e.self_device_time_total if cuda else e.self_cpu_time_total, reverse=True)
    tot = sum(e.self_cpu_time_total for e in p.key_averages())
    print(f"\n{r.name}: top {top} ops over {steps} steps (self CPU time, {tot / 1e3 / steps:.1f} ms/step in all)")
    print(f"{'op':<48}{'calls/step':>11}{'ms/step':>10}{'share':>8}")
    rows = []
    for e in ev[:top]:
        rows.append(dict(op=e.key, calls_per_step=e.count / steps, self_cpu_ms_per_step=e.self_cpu_time_total / 1e3 / steps,
                         share=e.self_cpu_time_total / tot))
        print(f"{e.key[:47]:<48}{e.count / steps:>11.1f}{e.self_cpu_time_total / 1e3 / steps:>10.2f}{e.self_cpu_time_total / tot:>8.1%}")
    return rows

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--cases', nargs='+', default=['shapes', 'digits'], choices=list(CASES), help='token grid / codebook settings')
    p.add_argument('--batch_size', type=int, default=64)
    p.add_argument('--width', type=int, default=128, help="train_cclddg.py's --width")
    p.add_argument('--depth', type=int, default=4, help="train_cclddg.py's --depth")
    p.add_argument('--heads', type=int, default=4, help="train_cclddg.py's --heads")
    p.add_argument('--T', type=int, default=100, help='diffusion steps (the range of t; diffusers: num_embeds_ada_norm)')
    p.add_argument('--cond_dim', type=int, default=64, help='condition embedding size of the embedding cases (the tiny embedder: 64)')
    p.add_argument('--cond_len', type=int, default=3, help='condition tokens of the embedding cases (caption + 2 phrases)')
    p.add_argument('--diffusers_ff', default='gelu', choices=['gelu', 'geglu'], help="diffusers' activation_fn: gelu is our MLP; geglu is its default")
    p.add_argument('--steps', type=int, default=10, help='timed training steps per round')
    p.add_argument('--warmup', type=int, default=3, help='untimed steps before timing')
    p.add_argument('--rounds', type=int, default=7, help='interleaved timing rounds; the median is reported')
    p.add_argument('--profile', action='store_true', help="after timing, print (and save) torch.profiler's top ops of each model")
    p.add_argument('--profile_steps', type=int, default=3)
    p.add_argument('--profile_top', type=int, default=15)
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='torch CPU threads (default: all cores)')
    p.add_argument('--device', default='auto')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'vq_transformer_vs_diffusers.json'))
    a = p.parse_args()
    if a.width % a.heads: p.error(f'--width {a.width} must be divisible by --heads {a.heads}')
    torch.set_num_threads(a.threads)
    device = get_device(a.device)
    import diffusers
    load_before = os.getloadavg() if hasattr(os, 'getloadavg') else None   # other work on the machine
    cases, runners = [], {}
    for name in a.cases:
        case = CASES[name]
        seed_everything(0)
        cfg = ours_config(a, case)
        ours, (theirs, dcfg) = DenoisingTransformer(**cfg), diffusers_model(a, case)
        po, pd = n_params(ours), n_params(theirs)
        if abs(po / pd - 1) > 0.1: print(f"warning: {name}: parameter counts differ by {po / pd - 1:+.1%} (ours {po:,}, diffusers {pd:,})")
        runners[name] = [Runner('cclddg DenoisingTransformer', ours, ours_loss, case, a, device),
                         Runner('diffusers Transformer2DModel', theirs, diffusers_loss, case, a, device)]
        cases.append(dict(case=name, **case, ours_config=cfg, diffusers_config=dcfg, class_token_wrapper=case['cond'] == 'class'))
    for rs in runners.values():
        for r in rs: r.run(a.warmup)
    secs = {(c, r.name): [] for c, rs in runners.items() for r in rs}
    for i in range(a.rounds):
        for c, rs in runners.items():
            for r in (rs if i % 2 == 0 else rs[::-1]): secs[c, r.name].append(r.run(a.steps))   # alternate who goes first
    for cr in cases:
        rows = []
        for r in runners[cr['case']]:
            s = statistics.median(secs[cr['case'], r.name])
            rows.append(dict(model=r.name, params=n_params(r.model), seconds_per_step=s / a.steps,
                             images_per_second=a.steps * a.batch_size / s,
                             images_per_second_rounds=[a.steps * a.batch_size / x for x in secs[cr['case'], r.name]]))
        cr.update(results=rows, param_ratio_ours_over_diffusers=rows[0]['params'] / rows[1]['params'],
                  param_rel_diff=rows[0]['params'] / rows[1]['params'] - 1,
                  throughput_ratio_ours_over_diffusers=rows[0]['images_per_second'] / rows[1]['images_per_second'],
                  throughput_ratio_median_of_rounds=statistics.median(o / d for o, d in zip(*(r['images_per_second_rounds'] for r in rows))))
    if a.profile:
        for cr in cases: cr['profile'] = {r.name: profile(r, a.profile_steps, a.profile_top) for r in runners[cr['case']]}
    res = dict(benchmark='vq_transformer_vs_diffusers', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            threads=torch.get_num_threads(), omp_num_threads=os.environ.get('OMP_NUM_THREADS'),
                            torch=torch.__version__, diffusers=diffusers.__version__, device=str(device),
                            gpu=torch.cuda.get_device_name() if device.type == 'cuda' else None, load_average_before=load_before,
                            load_average_after=os.getloadavg() if hasattr(os, 'getloadavg') else None),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), args={**vars(a), 'out': rel(a.out)},
               loss='cross-entropy of each network output vs random target tokens (not VQDiffusion.loss), AdamW lr 1e-4',
               goal='throughput_ratio_ours_over_diffusers >= 1.0', cases=cases,
               throughput_ratio_ours_over_diffusers=cases[0]['throughput_ratio_ours_over_diffusers'])
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2, default=str))
    print(f"\nbatch {a.batch_size}, width {a.width}, depth {a.depth}, heads {a.heads}, T {a.T}, {device}, "
          f"{torch.get_num_threads()} threads, {a.rounds} rounds of {a.steps} steps (median), forward+backward+AdamW")
    print(f"{'case':<30}{'model':<30}{'params':>11}{'s/step':>9}{'images/s':>10}")
    for cr in cases:
        cond = f"{a.cond_len}x{a.cond_dim} emb" if cr['cond'] == 'emb' else f"{cr['n_classes']} classes"
        label = f"{cr['case']} {cr['grid']}x{cr['grid']} K={cr['K']} {cond}"
        for r in cr['results']:
            print(f"{label:<30}{r['model']:<30}{r['params']:>11,}{r['seconds_per_step']:>9.4f}{r['images_per_second']:>10.1f}")
        print(f"{'':<30}ours / diffusers: throughput {cr['throughput_ratio_ours_over_diffusers']:.3f}x (median of the per-round "
              f"ratios {cr['throughput_ratio_median_of_rounds']:.3f}x), params {cr['param_ratio_ours_over_diffusers']:.3f} ({cr['param_rel_diff']:+.1%})")
    print(f"saved {a.out}")

if __name__ == '__main__': main()
