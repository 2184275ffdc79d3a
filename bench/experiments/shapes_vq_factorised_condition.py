#!/usr/bin/env python
"""Is the VQ transformer's trouble with unseen (shape, colour) pairs in its *condition* or in the model itself?

Trains the default VQ-Diffusion transformer of `train_cclddg.py --dataset shapes --model vqdiffusion` (same config,
trainer, schedule, batch, learning rate, EMA and time budget) on the frozen tokenizer of an earlier run, but
conditioned on a FACTORISED condition instead of the tiny embedder's caption + phrase embeddings: one token per
(object, attribute), token = A[attribute][value] + O[object] with fixed random vectors A and O (`--cond attrs`: an
oracle that is compositional by construction: "cyan" is the same token whatever shape it goes with). `--cond words`
builds the same factorised tokens from the caption's words instead, through the frozen tiny embedder: each object
phrase's words embedded one by one (`embedder.encode_text(word)`) plus the object's slot vector O[j], so it needs
nothing but the caption. `--cond phrases` is the script's own condition (caption + phrase embeddings), for a
like-for-like baseline in the same code. `phrases` and `words` embeddings are multiplied by sqrt(D) (entries of about
unit size, like the oracle's random vectors), as the UNet's `cond_scale` does; the script's VQ transformer takes the
unit-length embeddings unscaled, so `phrases` is not exactly the script's run.

Scores prompt fidelity of n canonical VALIDATION captions (seen and unseen compositions apart) at guidance 2, 50 steps,
truncation 1 and 0.8, like bench/shapes_vq_ablation.py, and writes one JSON.

    python bench/experiments/shapes_vq_factorised_condition.py --base bench/out/vq_b32 --cond attrs --minutes 6.5 --out bench/out/vq_factorised_attrs.json
"""
import argparse, json, platform, sys, time, os
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cclddg.core import seed_everything
from cclddg.data import get_dataset, SHAPES, COLOURS, SIZES, POSITIONS, unseen_mask
from cclddg.vq import load_tokenizer
from cclddg.vqdiffusion import DenoisingTransformer, VQDiffusion
from cclddg.training import Trainer
from cclddg.cclddg import canonical_prompts, text_condition, split_phrases
from cclddg.embedders import get_embedder
from cclddg.evaluation import evaluate_shapes_samples
from torch.utils.data import TensorDataset

VOCAB = (SHAPES, COLOURS, SIZES, POSITIONS)   # attribute order of an `attrs` row: (shape, colour, size, position) x 2

class Cond:
    "Condition tokens [B, L, D] for attrs rows (--cond attrs) or captions (--cond words / phrases)"
    def __init__(self, kind: str, D: int, embedder=None, seed: int = 1234):
        g = torch.Generator().manual_seed(seed)
        self.kind, self.D, self.emb = kind, D, embedder
        self.A = [torch.randn(len(v), D, generator=g) for v in VOCAB]   # one vector per attribute value
        self.O = torch.randn(2, D, generator=g)                          # one per object slot
        self.words = {}

    def from_attrs(self, attrs: torch.Tensor) -> torch.Tensor:
        out = torch.zeros(attrs.shape[0], 8, self.D)
        for j in range(2):
            for a in range(4):
                v = attrs[:, 4 * j + a]
                ok = v >= 0
                out[ok, 4 * j + a] = self.A[a][v[ok]] + self.O[j]
        return out

    def word(self, w: str) -> torch.Tensor:
        if w not in self.words: self.words[w] = self.emb.encode_text([w])[0].float() * self.D ** 0.5   # unit vectors -> ~unit entries
        return self.words[w]

    def from_captions(self, caps) -> torch.Tensor:
        # x sqrt(D), the UNet's cond_scale; the script's VQ transformer takes the unit embeddings unscaled
        if self.kind == 'phrases': return text_condition(self.emb, list(caps), 2).float() * self.D ** 0.5
        L = 12
        out = torch.zeros(len(caps), L, self.D)
        for b, cap in enumerate(caps):
            toks = [self.word(w) + self.O[j] for j, ph in enumerate(split_phrases(cap, 2)[:2])
                    for w in ph.replace(',', ' ').split() if w not in ('a', 'an', 'the', 'at', 'in', 'on', 'and')]
            for i, t in enumerate(toks[:L]): out[b, i] = t
        return out

def encode_scenes(tok, cond: Cond, ds, chunk: int = 500) -> tuple:
    "(tokens [N, h, w], condition tokens [N, L, D]) of every scene of `ds`"
    xs, cs = [], []
    with torch.no_grad():
        for i in range(0, len(ds), chunk):
            items = [ds[j] for j in range(i, min(i + chunk, len(ds)))]
            xs.append(tok.encode(torch.stack([it['image'] for it in items])))
            cs.append(cond.from_attrs(torch.stack([it['attrs'] for it in items])) if cond.kind == 'attrs'
                      else cond.from_captions([it['caption'] for it in items]))
    return torch.cat(xs), torch.cat(cs)

def train_and_score(model, diff, x, c, tok, cond: Cond, minutes: float, n_val: int, seed: int) -> tuple:
    "Train `model` for `minutes` (the script's Trainer settings), then score n_val canonical validation captions at guidance 2, 50 steps, r 1 and 0.8: (trainer, seconds, rows)"
    tr = Trainer(model, diff, TensorDataset(x, c), batch_size=32, lr=1e-3, lr_schedule='cosine', warmup_steps=100, ema_decay=0.999,
                 p_uncond=0.1, seed=seed, batch_fn=lambda b, g: (b[0], b[1]))
    t0 = time.time(); tr.fit(10 ** 6, max_minutes=minutes); train_s = time.time() - t0
    print(f"trained {tr.step} steps in {train_s:.0f} s", flush=True)
    _, caps, attrs = canonical_prompts('val', n_val, 0, 32)
    cv = cond.from_attrs(torch.as_tensor(attrs)) if cond.kind == 'attrs' else cond.from_captions(caps)
    rows = []
    for r in (1., 0.8):
        g = torch.Generator().manual_seed(1)
        with torch.no_grad():
            toks = diff.sample(tr.ema.model, (len(caps), *x.shape[1:]), cv, cfg=2., steps=50, truncation=r, generator=g, progress=False)
            img = tok.decode(toks).clamp(-1, 1)
        f = evaluate_shapes_samples(img, attrs, by_objects=True, unseen=unseen_mask(attrs, 'val'))
        rows.append(dict(truncation=r, **{k: float(v) for k, v in f.items() if isinstance(v, (int, float)) or torch.is_tensor(v) and v.numel() == 1}))
        print(f"r {r:g}: fidelity {f['prompt_fidelity']:.3f} seen {f['prompt_fidelity_seen']:.3f} unseen {f['prompt_fidelity_unseen']:.3f}", flush=True)
    return tr, train_s, rows

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--base', default=str(ROOT/'bench'/'out'/'vq_b32'), help='a run with tokenizer/ and embedder/')
    p.add_argument('--cond', default='attrs', choices=['attrs', 'words', 'phrases'])
    p.add_argument('--minutes', type=float, default=6.5)
    p.add_argument('--n_train', type=int, default=20000)
    p.add_argument('--n_val', type=int, default=200)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    seed_everything(a.seed)
    tok = load_tokenizer(Path(a.base) / 'tokenizer')
    emb = get_embedder(f"tiny:{Path(a.base) / 'embedder'}") if a.cond != 'attrs' else None
    D = 64
    cond = Cond(a.cond, D, emb)
    ds = get_dataset('shapes', split='train', n=a.n_train)
    t0 = time.time()
    x, c = encode_scenes(tok, cond, ds)
    print(f"encoded {len(x)} scenes in {time.time() - t0:.0f} s; condition {tuple(c.shape[1:])}", flush=True)
    K, (h, w) = tok.config['n_codes'], x.shape[1:]
    model = DenoisingTransformer(K=K, h=h, w=w, dim=128, depth=4, heads=4, cond_dim=D)
    diff = VQDiffusion(K=K, T=100, schedule='mask_only', aux_weight=1.0)
    tr, train_s, rows = train_and_score(model, diff, x, c, tok, cond, a.minutes, a.n_val, a.seed)
    res = dict(experiment='shapes_vq_factorised_condition', command=' '.join(['python', *sys.argv]), cond=a.cond, steps=tr.step,
               train_seconds=train_s, n_train=a.n_train, split='val', n_val=a.n_val, cfg=2., sample_steps=50, rows=rows,
               machine=dict(platform=platform.platform(), cpu_count=os.cpu_count(), torch=torch.__version__), date=time.strftime('%Y-%m-%d %H:%M:%S'))
    if a.out: Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=2))
    print(json.dumps(rows))

if __name__ == '__main__': main()
