#!/usr/bin/env python
"""Benchmark: where the gap on UNSEEN shapes compositions can come from before the denoising model is even trained.

Two upper bounds, each on seen and unseen compositions apart (canonical captions of the validation and test splits):
1. the tokenizer's ceiling: the attribute judge's prompt fidelity on the tokenizer's reconstructions of the very scenes
   the prompts describe. The tokenizer learns from training images only, so its codes never saw a held-out pair
   (e.g. a blue circle) drawn; no token model can score above its reconstructions.
2. how much of each attribute the condition still carries: linear probes (one per attribute and object, softmax
   regression) trained on the conditions of training captions (caption + object-phrase embeddings, as the models
   see them) and scored on the conditions of validation/test captions. The embedder never saw a held-out pair
   written either; a probe that fails on unseen captions means the condition has lost the attribute.

Prints a table and saves bench/results/shapes_vq_limits.json.

    python bench/shapes_vq_limits.py --tokenizer bench/out/vq_b32/tokenizer --embedders bench/out/vq_b32/embedder
    python bench/shapes_vq_limits.py --tokenizer none --embedders A B --n 100 --results /tmp/l.json   # probes only, quick
"""
import argparse, json, os, platform, sys, time
from pathlib import Path
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
from cclddg.cclddg import canonical_prompts, text_condition
from cclddg.data import unseen_mask, SHAPES, COLOURS, SIZES, POSITIONS

ATTRS = dict(shape=len(SHAPES), colour=len(COLOURS), size=len(SIZES), position=len(POSITIONS))

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def mean_of(x: torch.Tensor) -> float: return x.float().mean().item() if len(x) else float('nan')

def tokenizer_ceiling(tok_dir: Path, split: str, n: int) -> dict:
    "The judge's prompt fidelity on the real scenes and on their reconstructions, seen and unseen apart"
    from cclddg.vq import load_tokenizer, evaluate_tokenizer
    ds, _, _ = canonical_prompts(split, n)   # the scenes the canonical prompts describe
    r = evaluate_tokenizer(load_tokenizer(tok_dir), ds, 'shapes')
    return dict(split=split, n=r['n_images'], n_unseen=r['n_unseen'], real=r['judge_real'], all=r['judge_rec'],
                seen=r['judge_rec_seen'], unseen=r['judge_rec_unseen'])

def probe_accuracy(x_tr, y_tr, x_ev, y_ev, n_classes: int, iters: int = 300) -> torch.Tensor:
    "Per-caption hits [B] of a softmax-regression probe trained on (x_tr, y_tr)"
    torch.manual_seed(0)
    w = torch.nn.Linear(x_tr.shape[1], n_classes)
    opt = torch.optim.Adam(w.parameters(), 1e-2)
    for _ in range(iters):
        opt.zero_grad(); F.cross_entropy(w(x_tr), y_tr).backward(); opt.step()
    with torch.no_grad(): return w(x_ev).argmax(1) == y_ev

def probes(emb_dir: Path, splits: list, n_train: int, n: int) -> dict:
    "Probe accuracy of every attribute of objects 1 and 2 on seen and unseen captions of each split"
    from cclddg.embedders import get_embedder
    emb = get_embedder(f'tiny:{emb_dir}')
    cond = lambda caps: text_condition(emb, caps, 2).float().flatten(1)   # [B, 3 * D]: caption + 2 phrase tokens
    _, caps_tr, a_tr = canonical_prompts('train', n_train)
    x_tr, out = cond(caps_tr), {}
    for split in splits:
        _, caps, a = canonical_prompts(split, n)
        x, u, row = cond(caps), unseen_mask(a, split), {}
        for k, (name, n_cls) in enumerate(ATTRS.items()):
            for o in (0, 1):
                col = 4 * o + k; m_tr, m = a_tr[:, col] >= 0, a[:, col] >= 0
                hit = probe_accuracy(x_tr[m_tr], a_tr[m_tr, col], x, a[:, col].clamp(min=0), n_cls)
                row[f'obj{o + 1}_{name}'] = dict(seen=mean_of(hit[m & ~u]), unseen=mean_of(hit[m & u]))
        row['unseen_min'] = min(v['unseen'] for v in row.values())
        out[split] = row
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--tokenizer', default=str(ROOT/'bench'/'out'/'shapes_vqdiffusion'/'tokenizer'), help="a tokenizer directory, or 'none'")
    p.add_argument('--embedders', nargs='*', default=[], help='tiny embedder directories to probe')
    p.add_argument('--splits', nargs='+', default=['val', 'test'], choices=['val', 'test'])
    p.add_argument('--n', type=int, default=500, help='canonical captions per split')
    p.add_argument('--n_train', type=int, default=3000, help='training captions the probes learn from')
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_vq_limits.json'))
    a = p.parse_args()
    dirs = ([] if a.tokenizer == 'none' else [Path(a.tokenizer)]) + [Path(e) for e in a.embedders]
    for d in dirs:
        if not d.is_dir(): sys.exit(f"shapes_vq_limits: '{d}' is not a directory")
    if not a.embedders and a.tokenizer == 'none': sys.exit("shapes_vq_limits: nothing to measure (give --tokenizer or --embedders)")
    if a.n < 50 or a.n_train < 200: sys.exit("shapes_vq_limits: --n must be at least 50 and --n_train at least 200")
    torch.set_num_threads(min(torch.get_num_threads(), os.cpu_count() or 1))
    ceil = [tokenizer_ceiling(Path(a.tokenizer), s, a.n) for s in a.splits] if a.tokenizer != 'none' else []
    for c in ceil:
        print(f"tokenizer ceiling, {c['split']} ({c['n']} scenes, {c['n_unseen']} unseen): real {c['real']:.3f}, reconstructions "
              f"{c['all']:.3f} (seen {c['seen']:.3f}, unseen {c['unseen']:.3f})", flush=True)
    pr = {rel(e): probes(Path(e), a.splits, a.n_train, a.n) for e in a.embedders}
    res = dict(benchmark='shapes_vq_limits', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), tokenizer=None if a.tokenizer == 'none' else rel(a.tokenizer),
               tokenizer_ceiling=ceil, probes=pr)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    for e, r in pr.items():
        print(f"\nprobes of {e}: accuracy on seen / unseen captions")
        for split, row in r.items():
            print(f"  {split}: " + ', '.join(f"{k} {v['seen']:.2f}/{v['unseen']:.2f}" for k, v in row.items() if k != 'unseen_min')
                  + f"; worst unseen {row['unseen_min']:.2f}")
    print(f"saved {rel(a.results)}")

if __name__ == '__main__': main()
