#!/usr/bin/env python
"""Ablation behind notebook 09's "object phrases" section: which *condition* lets a latent DDGAN bind attributes on
two-object shapes prompts? Trains one latent DDGAN (G: UNet ch 32, ch_mults 1,2, no self-attention, z_dim 100; D ch 32;
batch 64, lr 1e-3, EMA 0.99, p_uncond 0.1, recon 1; 2,700 iterations) on 20,000 shapes scenes encoded with the frozen
autoencoder and embedder of an existing train_cclddg.py run (--src), then scores prompt fidelity on 500 canonical
captions of the validation split (--split; an ablation chooses, so it must not look at the test compositions) at
guidance 1, 1.5 and 2, overall, by object count and for seen and unseen compositions. Prints one JSON line and writes
/tmp/exp/res_NAME.json.

Conditions (flags): pooled embedding (--tokens 0), text-encoder token states (--tokens 1), per-object phrase embeddings
(--tokens 1 --phrases 1), an oracle of one one-hot token per object (--oracle 1); --scale 1 multiplies embeddings by
sqrt(64) (what `cond_scale` does in the library), --mlp 1 projects them with an MLP, --xattn_all 1 adds cross-attention
at every UNet level (monkeypatched: an experiment, not a library feature), --pct_text the caption share.

    OMP_NUM_THREADS=1 python bench/experiments/shapes_conditioning.py --tokens 1 --phrases 1 --scale 1 --pct_text 1.0 \
        --src bench/out/shapes_cclddg --name phrases_t1

Written as a scratch experiment: the library's `text_condition` and `cond_scale` are the cleaned-up versions of
`phrase_tokens` and `--scale` here.
"""
import torch, sys, time, json, argparse, torch.nn.functional as F
from pathlib import Path
from cclddg.core import *
from cclddg.embedders import get_embedder, l2norm
from cclddg.autoencoder import load_autoencoder
from cclddg.data import Shapes
from cclddg.unet import UNet
from cclddg.ddgan import Discriminator, DDGANTrainer, _cond_embedding
import cclddg.ddgan as dd
from cclddg.diffusion import GaussianDiffusion
from cclddg.cclddg import EncodedDataset, choose_cond
from cclddg.ddgan import ddgan_sample
from cclddg.evaluation import evaluate_shapes_samples
from torch.utils.data import DataLoader
p = argparse.ArgumentParser()
p.add_argument('--tokens', type=int, default=1); p.add_argument('--pct_text', type=float, default=0.5)
p.add_argument('--iters', type=int, default=2700); p.add_argument('--src', default='/work/main/bench/out/shapes_cclddg')
p.add_argument('--emb', default=None); p.add_argument('--ch', type=int, default=32); p.add_argument('--n', type=int, default=20000)
p.add_argument('--name', default='x'); p.add_argument('--xattn_all', type=int, default=0); p.add_argument('--oracle', type=int, default=0); p.add_argument('--phrases', type=int, default=0); p.add_argument('--scale', type=int, default=0); p.add_argument('--mlp', type=int, default=0); p.add_argument('--minutes', type=float, default=None)
p.add_argument('--split', default='val', choices=['val', 'test'], help='prompts to score: val (for choosing) or test (to report)')
a = p.parse_args()
torch.manual_seed(0)
ae = load_autoencoder(f'{a.src}/autoencoder'); emb = get_embedder(f'tiny:{a.emb or a.src + "/embedder"}')

import re
def split_phrases(t, K=2):
    ps = [p.strip() for p in re.split(r' and |; ', t) if p.strip()][:K]
    return ps
@torch.no_grad()
def phrase_tokens(texts, K=2):
    full = emb.encode_text(texts)
    ps = [split_phrases(t, K) for t in texts]
    flat = [p for q in ps for p in q]
    e = emb.encode_text(flat); out = full[:, None].repeat(1, K + 1, 1); i = 0
    for b, q in enumerate(ps):
        if len(q) > 1:
            out[b, 1:1 + len(q)] = e[i:i + len(q)]
        i += len(q)
    return out
@torch.no_grad()
def text_tokens(texts):
    if a.phrases: return phrase_tokens(texts)
    m = emb.model; tok = emb.tokenize(texts)
    x = m.token_embedding(tok) + m.positional_embedding
    x = m.transformer(x, attn_mask=m.attn_mask)
    x = m.ln_final(x)
    x = m.text_projection(x) if isinstance(m.text_projection, torch.nn.Module) else x @ m.text_projection
    pooled = x[torch.arange(len(x)), tok.argmax(-1)]
    return torch.cat([l2norm(pooled)[:, None], l2norm(x)], 1)

t0 = time.time()
ds = Shapes('train', n=a.n)
cols = {}; caps = []; attr_list = []
for b in DataLoader(ds, batch_size=500):
    with torch.no_grad():
        attr_list.append(b['attrs']); cols.setdefault('image', []).append(ae.encode(b['image']).float())
        cols.setdefault('img_emb', []).append(emb.encode_image(b['image']).float())
        tt = text_tokens(list(b['caption']))
        cols.setdefault('txt_tok', []).append(tt.half()); cols.setdefault('txt_emb', []).append(tt[:, 0])
T = {k: torch.cat(v) for k, v in cols.items()}
def oracle_tokens(attrs):
    out = torch.zeros(len(attrs), 2, 64)
    offs = [0, 4, 10, 12]
    for s_ in range(2):
        for j in range(4):
            v = attrs[:, 4*s_ + j]; ok = v >= 0
            out[ok, s_, offs[j] + v[ok]] = 1.
    return out
if a.oracle:
    T['attrs'] = torch.cat(attr_list)
    T['txt_tok'] = oracle_tokens(T['attrs'])
print('encoded', time.time() - t0, {k: v.shape for k, v in T.items()}, flush=True)
data = EncodedDataset(T, [''] * a.n, 4, 8)
L = T['txt_tok'].shape[1]
def batch_fn(batch, gen):
    u = torch.rand(len(batch['image']), generator=gen) < a.pct_text
    if a.oracle: return batch['image'], batch['txt_tok'].float()
    if a.tokens:
        img = batch['img_emb'][:, None].expand(-1, L, -1)
        c = torch.where(u[:, None, None], batch['txt_tok'].float(), img)
    else:
        c = torch.where(u[:, None], batch['txt_emb'], batch['img_emb'])
    return batch['image'], c
orig = dd._cond_embedding
def ce(D, c, drop, B):
    if torch.is_tensor(c) and c.ndim == 3: c = c.mean(1)
    return orig(D, c, drop, B)
dd._cond_embedding = ce
G = UNet(in_ch=4, ch=a.ch, ch_mults=(1, 2), is_attn=(False, False), cond_dim=64, z_dim=100, z_emb=256)
if a.xattn_all:
    from cclddg.unet import CrossAttention, DownLevel, UpLevel
    holder = {}
    ct = G.cond_tokens
    def cond_tokens2(c, drop, B):
        r = ct(c, drop, B); holder['ctx'] = r; return r
    G.cond_tokens = cond_tokens2
    for lv in list(G.downs) + list(G.ups):
        cout = lv.res[-1].conv2.out_channels if hasattr(lv.res[-1], 'conv2') else None
        lv.xattn = CrossAttention(cout, G.d_emb, 4)
    def dfwd(self, h, emb, w, hs):
        for res, attn in zip(self.res, self.attn):
            h = self.xattn(attn(res(h, emb, w)), holder['ctx']); hs.append(h)
        if self.down is not None: h = self.down(h); hs.append(h)
        return h
    def ufwd(self, h, emb, w, hs):
        for res, attn in zip(self.res, self.attn):
            h = self.xattn(attn(res(torch.cat([h, hs.pop()], dim=1), emb, w)), holder['ctx'])
        return self.up(h) if self.up is not None else h
    DownLevel.forward, UpLevel.forward = dfwd, ufwd
import torch.nn as nn, math
class Scaled(nn.Module):
    def __init__(self, m, s): super().__init__(); self.m, self.s = m, s
    def forward(self, c): return self.m(c * self.s)
sc = math.sqrt(64) if a.scale else 1.
if a.mlp: G.cond_embed = nn.Sequential(nn.Linear(64, G.d_emb), nn.SiLU(), nn.Linear(G.d_emb, G.d_emb))
if a.scale or a.mlp: G.cond_embed = Scaled(G.cond_embed, sc)
D = Discriminator(in_ch=4, ch=32, ch_mults=(1, 2), is_attn=(False, False), cond_dim=64)
diff = GaussianDiffusion(T=4, schedule='vp', target='x0')
if a.scale or a.mlp:
    D.embed = Scaled(nn.Sequential(nn.Linear(64, D.embed.out_features), nn.SiLU(), nn.Linear(D.embed.out_features, D.embed.out_features)) if a.mlp else D.embed, sc)
tr = DDGANTrainer(G, D, diff, data, batch_size=64, lr_g=1e-3, lr_d=1e-3, ema_decay=0.99, p_uncond=0.1, tanh=False,
                  recon_weight=1., batch_fn=batch_fn, progress=False)
t1 = time.time(); tr.fit(a.iters, a.minutes); ts = time.time() - t1
print('trained', tr.step, ts, flush=True)
from cclddg.data import unseen_mask
te = Shapes(a.split, n=500, captions='canonical')
caps = [te[i]['caption'] for i in range(500)]; attrs = torch.stack([te[i]['attrs'] for i in range(500)])
c = oracle_tokens(attrs) if a.oracle else text_tokens(caps) if a.tokens else emb.encode_text(caps)
Gm = tr.ema.model.eval()
r = dict(name=a.name, args=vars(a), steps=tr.step, train_s=ts)
for cfgv in (1., 1.5, 2.):
    with torch.no_grad():
        z = ddgan_sample(Gm, diff, (500, 4, 8, 8), c, cfgv, torch.Generator().manual_seed(0), tanh=False)
        x = ae.decode(z).clamp(-1, 1)
    f = evaluate_shapes_samples(x, attrs, by_objects=True, unseen=unseen_mask(attrs, a.split))
    r[f'cfg{cfgv}'] = dict(split=a.split, all=f['prompt_fidelity'], one=f['prompt_fidelity_1_object'], two=f['prompt_fidelity_2_objects'],
                           seen=f['prompt_fidelity_seen'], unseen=f['prompt_fidelity_unseen'])
print(json.dumps(r))
Path('/tmp/exp').mkdir(exist_ok=True); open(f'/tmp/exp/res_{a.name}.json', 'w').write(json.dumps(r))
