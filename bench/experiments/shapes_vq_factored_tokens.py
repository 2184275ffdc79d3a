#!/usr/bin/env python
"""Do VQ codes that factor *shape* from *colour* let VQ-Diffusion draw unseen (shape, colour) pairs?

The default tokenizer gives every 4x4 patch ONE code for its colour and its local outline together, so an unseen pair
("cyan triangle") asks the transformer for codes it never produced in that context (the README's attribute table: it
draws the shape it has seen in that colour). `--tokens factored` uses notebook 10's `FactoredVQTokenizer` instead:

    V = max_c x_c                              (the outline, the same whatever its colour; a 1-channel image)
    colour = avgpool(x) / (avgpool(V) + 0.001) (each patch's V-weighted mean colour: its object's colour, 0 on background)
    s = VQ_s(Enc_s(V)) in 0..Ks-1, c = VQ_c(MLP(colour)) in 0..Kc-1,  token = s * Kc + c  (K = Ks * Kc)
    x_hat = Dec([e_s, e_c])

and `--head factored` notebook 11's `DenoisingTransformer(factors=(Ks, Kc))`, whose input embedding and output
logits factor the same way: emb(token) = E_s[s] + E_c[c] and logit(s, c) = a_s + b_c, so p(x0 | x_t) =
softmax(a)_s softmax(b)_c per position: the transformer can say "triangle outline" and "cyan" separately. The rest is bench/experiments/
shapes_vq_factorised_condition.py's setup (default transformer, Trainer, batch 32, lr 1e-3 cosine, EMA, mask-only
schedule, aux weight 1, time budget; conditions `attrs` (oracle) or `phrases` (the script's caption + phrase
embeddings, needs --embedder)), scored on canonical VALIDATION captions at guidance 2, 50 steps, r 1 and 0.8.

    python bench/experiments/shapes_vq_factored_tokens.py --tokens factored --head factored --cond attrs --out bench/out/vqf_ff_attrs.json
"""
import argparse, json, platform, sys, time, os
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT / 'bench' / 'experiments'))
from cclddg.core import seed_everything
from cclddg.data import get_dataset
from cclddg.vq import train_tokenizer, evaluate_tokenizer, load_tokenizer
from cclddg.vqdiffusion import DenoisingTransformer, VQDiffusion
from cclddg.embedders import get_embedder
from shapes_vq_factorised_condition import Cond, encode_scenes, train_and_score


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--tokens', default='factored', choices=['factored', 'joint'])
    p.add_argument('--head', default='factored', choices=['factored', 'joint'])
    p.add_argument('--cond', default='attrs', choices=['attrs', 'phrases'])
    p.add_argument('--tokenizer', default=None, help='a saved tokenizer directory (e.g. --save_tokenizer of an earlier run)')
    p.add_argument('--embedder', default=None, help='a tiny embedder directory (for --cond phrases)')
    p.add_argument('--tokenizer_steps', type=int, default=1500)
    p.add_argument('--n_codes', type=int, default=None, help='codes (of a factored tokenizer: outline codes) (default: 64 factored, 128 joint)')
    p.add_argument('--n_colours', type=int, default=8)
    p.add_argument('--minutes', type=float, default=6.5)
    p.add_argument('--n_train', type=int, default=20000)
    p.add_argument('--n_val', type=int, default=200)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--save_tokenizer', default=None)
    p.add_argument('--out', default=None)
    a = p.parse_args()
    seed_everything(a.seed)
    ds = get_dataset('shapes', split='train', n=a.n_train)
    t0 = time.time()
    if a.tokenizer: tok = load_tokenizer(a.tokenizer)
    else:
        factored = dict(factored=True, n_colours=a.n_colours) if a.tokens == 'factored' else {}
        tok = train_tokenizer(ds, steps=a.tokenizer_steps, batch_size=32, n_codes=a.n_codes or (64 if factored else 128), seed=a.seed, **factored)
    if hasattr(tok, 'factors') != (a.tokens == 'factored'): p.error(f"--tokenizer {a.tokenizer} is not a {a.tokens} tokenizer")
    tok_s = time.time() - t0
    if a.save_tokenizer: tok.save(a.save_tokenizer)
    vds = get_dataset('shapes', split='val', n=500)
    tev = evaluate_tokenizer(tok, vds, judge='shapes')
    print(f"tokenizer ({tok_s:.0f} s): psnr {tev['psnr']:.2f}, usage {tev['usage']:.2f}, val ceiling all {tev['judge_rec']:.3f} "
          f"seen {tev['judge_rec_seen']:.3f} unseen {tev['judge_rec_unseen']:.3f}", flush=True)
    D = 64
    emb = get_embedder(f"tiny:{a.embedder}") if a.cond == 'phrases' else None
    cond = Cond(a.cond, D, emb)
    x, c = encode_scenes(tok, cond, ds)
    K, (h, w) = tok.n_codes, x.shape[1:]
    if a.head == 'factored' and a.tokens != 'factored': p.error("--head factored needs --tokens factored")
    model = DenoisingTransformer(K=K, h=h, w=w, dim=128, depth=4, heads=4, cond_dim=D, factors=tok.factors if a.head == 'factored' else None)
    diff = VQDiffusion(K=K, T=100, schedule='mask_only', aux_weight=1.0)
    tr, train_s, rows = train_and_score(model, diff, x, c, tok, cond, a.minutes, a.n_val, a.seed)
    res = dict(experiment='shapes_vq_factored_tokens', command=' '.join(['python', *sys.argv]), tokens=a.tokens, head=a.head, cond=a.cond,
               tokenizer_seconds=tok_s, tokenizer_val={k: v for k, v in tev.items() if isinstance(v, (int, float))},
               steps=tr.step, train_seconds=train_s, n_train=a.n_train, split='val', n_val=a.n_val, cfg=2., sample_steps=50, rows=rows,
               machine=dict(platform=platform.platform(), cpu_count=os.cpu_count(), torch=torch.__version__), date=time.strftime('%Y-%m-%d %H:%M:%S'))
    if a.out: Path(a.out).parent.mkdir(parents=True, exist_ok=True); Path(a.out).write_text(json.dumps(res, indent=2))
    print(json.dumps(rows))

if __name__ == '__main__': main()
