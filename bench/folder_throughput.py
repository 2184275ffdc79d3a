#!/usr/bin/env python
"""Benchmark: training and sampling speed on a user's folder, the old defaults against the new, side by side in one run.

For folders of grey digit PNGs at 16, 28 and 32 px (written from the embedded digits, 1,000 images each) and a
32 px colour folder (shapes renders), a class-conditional DDPM is trained through the real `Trainer` (batch 128,
the data stream included) with
- `before`: what `train_cclddg.py --dataset folder:DIR` did before: 32x32 RGB whatever the images are, decoded with
  PIL per item per step, self-attention at 16x16 and 8x8 (`is_attn 0,1,1`) computed on the convolution's channel-first
  layout (which sends `scaled_dot_product_attention` to its unfused math path on a CPU), sampling the whole batch in one call;
- `after`: the training script's defaults for the folder (`resolution_defaults`): its own size and colour, decoded
  once into memory, self-attention only at levels of at most 8x8 (`attn_levels`) on the token layout (the fused
  kernel), 2x2 patches and the levels that fit them where the script's defaults say so (`--patch`), sampling in `CPU_ROWS`-row chunks (the
  old network is also sampled in chunks, to measure that alone);
and the ablations in between (each change alone), so each choice is measured. Steps are timed after a warm-up, in
interleaved rounds (median). Sampling: 200 images, DDIM-50, guidance 2. Saves bench/results/folder_throughput.json.

    python bench/folder_throughput.py
    python bench/folder_throughput.py --steps 2 --rounds 1 --n_sample 20      # a quick smoke run
"""
import argparse, json, os, platform, statistics, sys, tempfile, time, types
from pathlib import Path
import torch
from einops import rearrange

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import cclddg.diffusion as D
from cclddg.core import seed_everything
from cclddg.data import Digits, Shapes, ImageFolder, x_to_pil
from cclddg.unet import UNet, SelfAttention, CrossAttention, attention
from cclddg.diffusion import GaussianDiffusion, guided_fn
from cclddg.training import Trainer
from train_cclddg import attn_levels, resolution_defaults, size_multiple

def legacy_self_attention(self, x):
    "SelfAttention.forward as it was: q, k, v sliced from the 1x1 convolution's [B, C, H, W] output (channel axis strided)"
    q, k, v = rearrange(self.qkv(self.norm(x)), 'b (three h d) x y -> three b h (x y) d', three=3, h=self.n_heads)
    o = rearrange(attention(q, k, v), 'b h (x y) d -> b (h d) x y', x=x.shape[2])
    return x + self.proj(o)

def legacy_cross_attention(self, x, ctx):
    "CrossAttention.forward as it was"
    q = rearrange(self.q(self.norm(x)), 'b (h d) x y -> b h (x y) d', h=self.n_heads)
    k, v = rearrange(self.kv(self.norm_ctx(ctx)), 'b l (two h d) -> two b h l d', two=2, h=self.n_heads)
    o = rearrange(attention(q, k, v), 'b h (x y) d -> b (h d) x y', x=x.shape[2])
    return x + self.proj(o)

def use_legacy_attention(net):
    "Give every attention block of `net` the old forward (same weights, same outputs up to round-off)"
    for m in net.modules():
        if isinstance(m, SelfAttention): m.forward = types.MethodType(legacy_self_attention, m)
        if isinstance(m, CrossAttention): m.forward = types.MethodType(legacy_cross_attention, m)
    return net

def script_defaults(size: int) -> argparse.Namespace:
    "The network defaults train_cclddg.py picks for a pixel DDPM on images of `size` px"
    return resolution_defaults(argparse.Namespace(ch_mults=None, is_attn=None, patch=None, model='ddpm'), size)

def rel(p) -> str:
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def write_folder(root: Path, kind: str, size: int, n: int):
    if kind == 'grey':
        ds = Digits('train', img_size=size)
        items = [(ds.images[i % len(ds)], str(int(ds.labels[i % len(ds)]))) for i in range(n)]
    else:
        ds = Shapes('train', img_size=size, n=n)
        items = [(it['image'], str(it['label'] % 10)) for it in (ds[i] for i in range(n))]
    for i, (x, y) in enumerate(items):
        (root / y).mkdir(parents=True, exist_ok=True); x_to_pil(x).save(root / y / f'{i}.png')

def trainer(ds, is_attn, bs, patch=1, legacy=False, ch_mults=(1, 2, 2)):
    seed_everything(0)
    net = UNet(in_ch=ds.channels, ch=32, ch_mults=ch_mults, is_attn=is_attn, n_res=1, n_classes=ds.n_classes, patch=patch)
    if legacy: use_legacy_attention(net)
    return Trainer(net, GaussianDiffusion(T=1000), ds, batch_size=bs, lr=1e-3, seed=0)

def sample_seconds(tr, n: int, rows: int) -> float:
    D.CPU_ROWS = rows
    c = torch.arange(n) % tr.model.n_classes
    fn = guided_fn(tr.ema.model.eval(), c, scale=2.)
    t0 = time.perf_counter()
    tr.diffusion.ddim_sample(fn, (n, tr.model.in_ch, *tr.stream.ds[0]['image'].shape[1:]), steps=50, progress=False)
    D.CPU_ROWS = 128
    return time.perf_counter() - t0

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--sizes', type=int, nargs='+', default=[16, 28, 32])
    p.add_argument('--n_images', type=int, default=1000)
    p.add_argument('--batch_size', type=int, default=128)
    p.add_argument('--steps', type=int, default=8, help='timed training steps per round')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--n_sample', type=int, default=200)
    p.add_argument('--results', default=str(ROOT / 'bench' / 'results' / 'folder_throughput.json'))
    a = p.parse_args()
    tmp = Path(tempfile.mkdtemp())
    cases = [('grey', s) for s in a.sizes] + [('colour', 32)]
    rows = []
    for kind, size in cases:
        root = tmp / f'{kind}{size}'; write_folder(root, kind, size, a.n_images)
        after_ds = ImageFolder(root, multiple_of=size_multiple(argparse.Namespace(ch_mults=None, patch=None, model='ddpm', latent='none')))
        old_ds = ImageFolder(root, img_size=32, channels=3, in_memory=False)
        d = script_defaults(after_ds.img_size)
        variants = {   # name: (data set, is_attn, sampling rows, patch, legacy attention)
            'before': (old_ds, (False, True, True), 10 ** 9, 1, True),
            'before + in memory': (ImageFolder(root, img_size=32, channels=3), (False, True, True), 10 ** 9, 1, True),
            'before + native size/colour': (ImageFolder(root, multiple_of=4, in_memory=False), (False, True, True), 10 ** 9, 1, True),
            'before + attention <= 8x8': (old_ds, attn_levels(32, 3), 10 ** 9, 1, True),
            'before + fused attention': (old_ds, (False, True, True), 10 ** 9, 1, False),
            **({'before + patch 2': (old_ds, attn_levels(16, 3), 10 ** 9, 2, True),
                'after without patch': (after_ds, attn_levels(after_ds.img_size, 3), 128, 1, False)} if d.patch > 1 else {}),
            'after': (after_ds, d.is_attn, 128, d.patch, False),
        }
        trs = {k: trainer(ds, at, a.batch_size, pt, leg, d.ch_mults if k == 'after' else (1, 2, 2)) for k, (ds, at, _, pt, leg) in variants.items()}
        its = {k: iter(tr.stream) for k, tr in trs.items()}
        for k, tr in trs.items(): tr.train_step(its[k])            # warm-up
        secs = {k: [] for k in trs}
        for _ in range(a.rounds):
            for k, tr in trs.items():
                t0 = time.perf_counter()
                for _ in range(a.steps): tr.train_step(its[k])
                secs[k].append(time.perf_counter() - t0)
        for k, tr in trs.items():
            ds, at, sample_rows, pt, leg = variants[k]
            s = statistics.median(secs[k]) / a.steps
            smp = sample_seconds(tr, a.n_sample, sample_rows) if k in ('before', 'after') else None
            chunked = sample_seconds(tr, a.n_sample, 128) if k == 'before' else None   # the old network, sampled in chunks
            rows.append(dict(folder=f'{kind} {size}x{size}', variant=k, trained_at=f'{ds.img_size}x{ds.img_size}x{ds.channels}',
                             in_memory=ds.pixels is not None, is_attn=list(at), patch=pt,
                             ch_mults=list(d.ch_mults if k == 'after' else (1, 2, 2)),
                             fused_attention=not leg, seconds_per_step=s,
                             images_per_second=a.batch_size / s, sample_seconds=smp, sample_seconds_chunked=chunked))
            print(rows[-1], flush=True)
    res = dict(benchmark='folder_throughput', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), cpu_count=os.cpu_count(), torch=torch.__version__,
                            threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), args=vars(a) | {'results': rel(a.results)}, results=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    print(f"\n{'folder':<14}{'variant':<30}{'trained at':>12}{'img/s':>8}{'speed-up':>10}{f'sample {a.n_sample} (s)':>18}")
    for r in rows:
        base = next(b for b in rows if b['folder'] == r['folder'] and b['variant'] == 'before')
        smp = f"{r['sample_seconds']:.1f}" if r['sample_seconds'] is not None else ''
        if r['sample_seconds_chunked'] is not None: smp += f" ({r['sample_seconds_chunked']:.1f} chunked)"
        print(f"{r['folder']:<14}{r['variant']:<30}{r['trained_at']:>12}{r['images_per_second']:>8.0f}"
              f"{r['images_per_second'] / base['images_per_second']:>9.2f}x{smp:>18}")
    print(f"saved {rel(a.results)}")

if __name__ == '__main__': main()
