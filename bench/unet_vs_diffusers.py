#!/usr/bin/env python
"""Benchmark: training throughput of cclddg's UNet against diffusers' UNet2DModel of about the same size.

Both models get the same layout (channel multipliers, residual blocks per level, attention at the same levels, GroupNorm
groups, 4 attention heads, FiLM scale/shift time conditioning: diffusers' `resnet_time_scale_shift='scale_shift'`), the
same class conditioning (`num_class_embeds` in diffusers), and the same data shape. diffusers' base width is chosen so
that its parameter count is closest to ours. A training step is forward + MSE loss + backward + Adam step; after
`--warmup` steps, `--steps` steps are timed, in `--rounds` interleaved rounds (ours, diffusers, ours, ...) so that a
busy machine slows both alike; the median round is reported. Prints a table and saves bench/results/unet_vs_diffusers.json.

    python bench/unet_vs_diffusers.py                                   # digits-like: 1x16x16, batch 128, 10 classes
    python bench/unet_vs_diffusers.py --img_size 32 --channels 3 --ch_mults 1 2 2 2 --is_attn 0 0 1 1
    python bench/unet_vs_diffusers.py --channels_last --out bench/results/unet_vs_diffusers_channels_last.json   # one option
    python bench/unet_vs_diffusers.py --steps 2 --warmup 1 --rounds 1   # a quick smoke run
"""
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import torch, torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
from cclddg.unet import UNet
from cclddg.core import get_device, seed_everything

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def n_params(m): return sum(p.numel() for p in m.parameters())

def diffusers_unet(a, base):
    "A UNet2DModel with our layout and base width `base`"
    from diffusers import UNet2DModel
    chs = tuple(base * m for m in a.ch_mults)
    down = tuple('AttnDownBlock2D' if at else 'DownBlock2D' for at in a.is_attn)
    up = tuple('AttnUpBlock2D' if at else 'UpBlock2D' for at in reversed(a.is_attn))
    return UNet2DModel(sample_size=a.img_size, in_channels=a.channels, out_channels=a.channels, block_out_channels=chs,
                       down_block_types=down, up_block_types=up, layers_per_block=a.n_res, norm_num_groups=a.groups,
                       attention_head_dim=max(1, chs[-1] // a.n_heads), resnet_time_scale_shift='scale_shift',
                       num_class_embeds=a.n_classes or None)

def matched_diffusers(a, target):
    "The diffusers UNet whose parameter count is closest to `target` (base width a multiple of the GroupNorm groups)"
    bases = [b for b in range(a.groups, 4 * a.ch + 1, a.groups) if all(b * m % a.n_heads == 0 for m in a.ch_mults)]
    counts = {b: n_params(diffusers_unet(a, b)) for b in bases}
    base = min(counts, key=lambda b: abs(counts[b] - target))
    return diffusers_unet(a, base), base


def time_steps(step, n: int, device) -> float:
    "Seconds for n calls of `step()`, synchronising a GPU before and after"
    if device.type == 'cuda': torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(n): step()
    if device.type == 'cuda': torch.cuda.synchronize()
    return time.perf_counter() - t0

class Runner:
    "One model, its Adam optimiser and a fixed batch; `run(n)` times n training steps"
    def __init__(self, name, model, call, a, device):
        self.name, self.model, self.call, self.device = name, model.to(device).train(), call, device
        if a.channels_last: self.model = self.model.to(memory_format=torch.channels_last)
        self.fwd, self.bf16 = torch.compile(self.model) if a.compile else self.model, a.bf16
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-4)
        g = torch.Generator().manual_seed(0)
        B, C, S = a.batch_size, a.channels, a.img_size
        self.x = torch.randn(B, C, S, S, generator=g).to(device)
        if a.channels_last: self.x = self.x.contiguous(memory_format=torch.channels_last)
        self.eps = torch.randn(B, C, S, S, generator=g).to(device)
        self.t = torch.randint(0, 1000, (B,), generator=g).to(device)
        self.y = torch.randint(0, a.n_classes, (B,), generator=g).to(device) if a.n_classes else None

    def step(self):
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            out = self.call(self.fwd, self.x, self.t, self.y)
        loss = F.mse_loss(out.float(), self.eps)
        self.opt.zero_grad(set_to_none=True); loss.backward(); self.opt.step()

    def run(self, n): return time_steps(self.step, n, self.device)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--img_size', type=int, default=16)
    p.add_argument('--channels', type=int, default=1)
    p.add_argument('--batch_size', type=int, default=128)
    p.add_argument('--steps', type=int, default=20, help='timed training steps per round')
    p.add_argument('--warmup', type=int, default=3, help='untimed steps before timing')
    p.add_argument('--rounds', type=int, default=3, help='interleaved timing rounds; the median is reported')
    p.add_argument('--n_classes', type=int, default=10, help='class conditioning in both models (0: unconditional)')
    p.add_argument('--ch', type=int, default=32)
    p.add_argument('--ch_mults', type=int, nargs='+', default=[1, 2, 2])
    p.add_argument('--is_attn', type=int, nargs='+', default=[0, 1, 1])
    p.add_argument('--n_res', type=int, default=2)
    p.add_argument('--n_heads', type=int, default=4)
    p.add_argument('--groups', type=int, default=8)
    p.add_argument('--cond_mode', default='both', help="our UNet's cond_mode (diffusers has only the additive class embedding)")
    p.add_argument('--channels_last', action='store_true', help='channels-last memory format for both models')
    p.add_argument('--bf16', action='store_true', help='bf16 autocast for both models (on a CPU too: it pays where the CPU has avx512_bf16/AMX)')
    p.add_argument('--compile', action='store_true', help='torch.compile both models (the compilation is not timed)')
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='torch CPU threads (default: all cores)')
    p.add_argument('--device', default='auto')
    p.add_argument('--out', default=str(ROOT/'bench'/'results'/'unet_vs_diffusers.json'))
    a = p.parse_args()
    if len(a.is_attn) != len(a.ch_mults): p.error('--is_attn needs one entry per --ch_mults entry')
    torch.set_num_threads(a.threads)
    device = get_device(a.device)
    seed_everything(0)
    ours = UNet(in_ch=a.channels, ch=a.ch, ch_mults=a.ch_mults, is_attn=[bool(x) for x in a.is_attn], n_res=a.n_res,
                n_heads=a.n_heads, n_classes=a.n_classes, cond_mode=a.cond_mode, groups=a.groups)
    theirs, base = matched_diffusers(a, n_params(ours))
    runners = [Runner('cclddg UNet', ours, lambda m, x, t, y: m(x, t, y), a, device),
               Runner('diffusers UNet2DModel', theirs, lambda m, x, t, y: m(x, t, class_labels=y).sample, a, device)]
    for r in runners: r.run(a.warmup)
    secs = {r.name: [] for r in runners}
    for i in range(a.rounds):
        for r in runners: secs[r.name].append(r.run(a.steps))
    rows = []
    for r in runners:
        s = statistics.median(secs[r.name])
        rows.append(dict(model=r.name, params=n_params(r.model), seconds_per_step=s / a.steps,
                         images_per_second=a.steps * a.batch_size / s,
                         images_per_second_rounds=[a.steps * a.batch_size / x for x in secs[r.name]]))
    ratio = rows[0]['images_per_second'] / rows[1]['images_per_second']
    res = dict(benchmark='unet_vs_diffusers', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            threads=torch.get_num_threads(), torch=torch.__version__, device=str(device),
                            gpu=torch.cuda.get_device_name() if device.type == 'cuda' else None),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), args={**vars(a), 'out': rel(a.out)}, ours_config=ours.config,
               diffusers_config=dict(theirs.config), diffusers_base_width=base, results=rows,
               param_ratio_ours_over_diffusers=rows[0]['params'] / rows[1]['params'], throughput_ratio_ours_over_diffusers=ratio)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2, default=str))
    print(f"{a.channels}x{a.img_size}x{a.img_size}, batch {a.batch_size}, {'%d classes' % a.n_classes if a.n_classes else 'unconditional'}, "
          f"{device}, {torch.get_num_threads()} threads, {a.rounds} rounds of {a.steps} steps (median)")
    print(f"{'model':<24}{'params':>12}{'s/step':>10}{'images/s':>10}")
    for r in rows: print(f"{r['model']:<24}{r['params']:>12,}{r['seconds_per_step']:>10.4f}{r['images_per_second']:>10.1f}")
    print(f"ours / diffusers: params {res['param_ratio_ours_over_diffusers']:.3f}, throughput {ratio:.3f}")
    print(f"saved {a.out}")

if __name__ == '__main__': main()
