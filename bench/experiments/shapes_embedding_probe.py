#!/usr/bin/env python
"""Probe behind notebook 09's "object phrases" section: how much of a two-object caption does a tiny embedder's single
embedding keep? Trains a 2-layer MLP (512 hidden) to read the 8 attributes of 8,000 two-object canonical training
captions (or images) back from their embeddings and reports exact-match accuracy on 1,000 test scenes.

    python bench/experiments/shapes_embedding_probe.py bench/out/shapes_cclddg/embedder [--one]

(The image probe of two-object scenes is ill-posed: the attribute order follows the caption, which an image cannot see.)
"""
import torch, torch.nn as nn, torch.nn.functional as F, sys, time
from cclddg.embedders import get_embedder, embed_all
from cclddg.data import Shapes, caption_for, objects_from_attrs
torch.manual_seed(0)
emb = get_embedder(f'tiny:{sys.argv[1]}')
ONE = '--one' in sys.argv   # one-object captions: 4 attributes
def get(split, n):
    ds = Shapes(split, n=n, captions='canonical', p_two=0.0 if ONE else 1.0)
    items = [ds[i] for i in range(n)]
    caps = [it['caption'] for it in items]; attrs = torch.stack([it['attrs'] for it in items])
    x = torch.stack([it['image'] for it in items])
    with torch.no_grad():
        t = embed_all(emb, captions=caps); im = embed_all(emb, images=x)
    return t, im, attrs
t0=time.time()
ttr, itr, atr = get('train', 8000); tte, ite, ate = get('test', 1000)
if ONE: atr, ate = atr[:, :4], ate[:, :4]
print('embedded', time.time()-t0)
sizes=[4,6,2,9] * (1 if ONE else 2)
def probe(Xtr, Xte, name):
    net = nn.Sequential(nn.Linear(Xtr.shape[1], 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, sum(sizes)))
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    for ep in range(60):
        perm = torch.randperm(len(Xtr))
        for i in range(0, len(Xtr), 256):
            b = perm[i:i+256]; out = net(Xtr[b]); l=0; j=0
            for k,s in enumerate(sizes): l = l + F.cross_entropy(out[:, j:j+s], atr[b, k]); j+=s
            opt.zero_grad(); l.backward(); opt.step()
    with torch.no_grad():
        out = net(Xte); j=0; preds=[]
        for k,s in enumerate(sizes): preds.append(out[:, j:j+s].argmax(-1)); j+=s
        p = torch.stack(preds, 1)
        # order-invariant exact match
        sw = torch.cat([p[:,4:], p[:,:4]],1) if not ONE else p
        ok = ((p==ate).all(1) | (sw==ate).all(1)).float().mean()
        print(name, 'exact', ok.item(), 'per-attr', (p==ate).float().mean(0).numpy().round(3))
probe(ttr, tte, 'text')
probe(itr, ite, 'image')
