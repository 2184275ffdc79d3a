#!/usr/bin/env python
"""Reranking on `shapes`: prompt fidelity when each image is the best of N draws by the pipeline's own embedder.

Works on any text-conditioned run `cclddg-sample` can load (latent DDGAN, DDPM, VQ-Diffusion). For every N in
`--best_of`, scores the canonical captions of the validation split (for choosing N) and of the test split (seen and
unseen compositions, one and two objects), with seconds per image; then diversity and feature FD on test at the N
that scored best on validation. N = 1 is the plain sampler, so the rows show what the reranking adds.

    python bench/experiments/shapes_best_of.py bench/out/shapes_cclddg --cfg 1
    python bench/experiments/shapes_best_of.py bench/out/shapes_vqdiffusion_fast --cfg 2 --options '{"steps": 10, "truncation": 0.8}'
Saves bench/results/shapes_best_of_NAME.json (NAME: --name, default the run's directory name)."""
import argparse, json, platform, sys, time
from pathlib import Path
import torch
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from cclddg.cclddg import load_pipeline, shapes_prompt_fidelity, shapes_sample_quality

KEYS = dict(all='prompt_fidelity', seen='prompt_fidelity_seen', unseen='prompt_fidelity_unseen', one_object='prompt_fidelity_1_object',
            two_objects='prompt_fidelity_2_objects', seconds_per_image='sample_seconds_per_image')


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('run', help='a train_cclddg.py run directory trained on shapes captions')
    p.add_argument('--cfg', type=float, required=True, help='guidance scale (the one the run was evaluated at)')
    p.add_argument('--options', default='{}', help="the family's sampler options as JSON, e.g. '{\"steps\": 10, \"truncation\": 0.8}'")
    p.add_argument('--best_of', type=int, nargs='+', default=[1, 2, 4, 8])
    p.add_argument('--n_val', type=int, default=200)
    p.add_argument('--n_test', type=int, default=500)
    p.add_argument('--name', default=None)
    a = p.parse_args()
    if min(a.best_of) < 1: sys.exit(f"error: --best_of must be positive numbers of draws, got {a.best_of}")
    try: opts = json.loads(a.options)
    except json.JSONDecodeError as e: sys.exit(f"error: --options is not JSON: {e}")
    if not Path(a.run).is_dir(): sys.exit(f"error: run directory '{a.run}' does not exist")
    torch.set_num_threads(2)
    pipe = load_pipeline(a.run)
    rows = []
    for split, n in (('val', a.n_val), ('test', a.n_test)):
        for b in a.best_of:
            r = shapes_prompt_fidelity(pipe, split, n, a.cfg, best_of=b, **opts)
            row = dict(split=split, n=n, best_of=b, **{k: float(r[v]) for k, v in KEYS.items()})
            print(f"{split}: best of {b}: fidelity {row['all']:.3f} (seen {row['seen']:.3f}, unseen {row['unseen']:.3f}; one object "
                  f"{row['one_object']:.3f}, two {row['two_objects']:.3f}), {row['seconds_per_image']:.3f} s / image", flush=True)
            rows.append(row)
    n_best = max((r for r in rows if r['split'] == 'val'), key=lambda r: r['all'])['best_of']
    q = {b: shapes_sample_quality(pipe, 'test', a.n_test, a.cfg, best_of=b, **opts) for b in sorted({1, n_best})}
    for b, v in q.items(): print(f"test, best of {b}: diversity {v['diversity']:.3f}, FD {v['fd']:.2f} (a perfect model: {v['fd_real_vs_real']:.2f})")
    name = a.name or Path(a.run).resolve().name
    out = ROOT / 'bench' / 'results' / f'shapes_best_of_{name}.json'
    res = dict(benchmark='shapes_best_of', command=' '.join(['python', 'bench/experiments/shapes_best_of.py', *sys.argv[1:]]),
               machine=f"{platform.platform()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
               date=time.strftime('%Y-%m-%d %H:%M:%S'), cfg=a.cfg, options=opts, rows=rows, best_of_chosen_on_val=n_best,
               test_quality={str(b): {k: float(v[k]) for k in ('diversity', 'fd', 'fd_real_vs_real')} for b, v in q.items()})
    out.write_text(json.dumps(res, indent=1) + '\n')
    print('saved', out.relative_to(ROOT))


if __name__ == '__main__':
    main()
