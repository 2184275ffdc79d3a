"""Which attribute does a text-to-image model get wrong on `shapes`, for seen and for unseen compositions?

Samples one image per canonical caption of a split (validation by default: this is a diagnosis, choices are made
there), judges them with the attribute classifier and reports, for seen and unseen captions apart, the prompt fidelity
and the accuracy of every attribute of both objects; then lists unseen captions the model got wrong, with what the
judge saw. Works on any run `cclddg-sample` can load (latent DDGAN, VQ-Diffusion, ...).

    python bench/experiments/shapes_attribute_errors.py bench/out/vq_diag --options '{"steps": 50, "truncation": 0.8}'
    python bench/experiments/shapes_attribute_errors.py bench/out/shapes_cclddg --cfg 1
Saves bench/out/attribute_errors/NAME.json (NAME: --name, default the run's directory name)."""
import argparse, json, platform, sys, time
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cclddg.cclddg import load_pipeline, canonical_prompts, sample_prompts, stills_of
from cclddg.evaluation import predict_objects, score_attrs, get_shapes_attr_classifier
from cclddg.data import unseen_mask, SHAPES, COLOURS, SIZES, POSITIONS


def describe(obj) -> str:
    "(shape, colour, size, position) indices as words"
    s, c, z, p = obj
    return f"{SIZES[z]} {COLOURS[c]} {SHAPES[s]} at {POSITIONS[p]}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run', help='a train_cclddg.py run directory (or checkpoint) trained on shapes captions')
    p.add_argument('--split', default='val', choices=['val', 'test'])
    p.add_argument('--n', type=int, default=200, help='canonical captions scored')
    p.add_argument('--cfg', type=float, default=2., help='guidance scale')
    p.add_argument('--options', default='{}', help="the family's sampler settings as JSON, e.g. '{\"steps\": 50, \"truncation\": 0.8}'")
    p.add_argument('--show', type=int, default=12, help='unseen failures listed')
    p.add_argument('--name', default=None)
    a = p.parse_args()
    pipe = load_pipeline(a.run)
    _, caps, attrs = canonical_prompts(a.split, a.n, 0, pipe.config['data']['img_size'], stills_of(pipe))
    t0 = time.time()
    x = sample_prompts(pipe, caps, a.cfg, 0, **json.loads(a.options))
    pred = predict_objects(get_shapes_attr_classifier(), x * 2 - 1)
    unseen = unseen_mask(attrs, a.split)
    res = dict(experiment='shapes_attribute_errors', command=' '.join(['python', *sys.argv]), split=a.split, cfg=a.cfg,
               options=json.loads(a.options), machine=platform.platform(), sample_seconds=time.time() - t0)
    for group, m in (('seen', ~unseen), ('unseen', unseen)):
        idx = m.nonzero().flatten().tolist()
        ok, per = score_attrs([pred[i] for i in idx], attrs[idx])
        res[group] = dict(n=len(idx), fidelity=ok.float().mean().item(), per_attribute=per)
        if group == 'unseen': wrong = [i for i, good in zip(idx, ok.tolist()) if not good]
        print(f"{group} ({len(idx)} captions): fidelity {res[group]['fidelity']:.3f};",
              ', '.join(f"{k} {v:.3f}" for k, v in per.items()))
    res['unseen_failures'] = [dict(caption=caps[i], judged=[describe(o) for o in pred[i]]) for i in wrong]
    for f in res['unseen_failures'][:a.show]: print(f"  {f['caption']!r} -> judged: {'; '.join(f['judged']) or 'nothing'}")
    out = ROOT/'bench'/'out'/'attribute_errors'/f"{a.name or Path(a.run).name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print('saved', out.relative_to(ROOT))


if __name__ == '__main__': main()
