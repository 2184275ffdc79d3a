#!/usr/bin/env python
"""Benchmark: text-guided editing of held-out `shapes_video` clips (notebook 13) with the models of the ContextDiff
ablation (bench/shapes_contextdiff.py: the same latent DDPM with and without the context adapter, several seeds, equal
training time), so that the with/without-adapter comparison is over the same seeds and budget.

Per variant and per coupling (inverted and shared noise; the independent-noise baseline takes the shared choice, the
run without the mask the inverted one), the edit strength and the mask threshold are chosen on validation clips (their
own held-out compositions) with the seed-0 model, by the smaller of edit accuracy and preservation. Then every model edits the
test clips with those settings, for each temporal coupling (DDIM-inverted noise, one shared noise per clip, a fresh
noise per frame) with the mask, and with inverted noise without the mask (the last two on --ablation_seeds only). Every measure of notebook 13 is reported
(edit accuracy, preservation and its attribute and position parts, position error in pixels, text alignment, frame
consistency over consecutive frames and over all pairs, frame accuracy), beside the unedited source and the ideal
edit. Edits are random (one object's colour, shape or both), drawn with a fixed seed. Saves
bench/results/shapes_video_edit.json.

Further couplings inside the edit (opt in with --configs): one DiffEdit mask per clip instead of per frame
('inverted_clip_mask') and cross-frame self-attention ('inverted_first', 'inverted_sparse_causal'; notebook 13).

    python bench/shapes_cclddg.py && python bench/shapes_contextdiff.py   # first: the models
    python bench/shapes_video_edit.py
    # the results in bench/results/shapes_video_edit.json: models trained ~9 single-core minutes (step budgets, the same for every seed)
    OMP_NUM_THREADS=1 python bench/shapes_contextdiff.py --variants plain_x0 --seeds 0 1 2 --minutes 30 --train_args "--n_batches 2340" --eval_samples 100 --out bench/out/shapes_contextdiff_9min --results bench/out/cd9_plain.json
    OMP_NUM_THREADS=1 python bench/shapes_contextdiff.py --variants adapter --seeds 0 1 2 --minutes 30 --train_args "--n_batches 1800" --eval_samples 100 --out bench/out/shapes_contextdiff_9min --results bench/out/cd9_adapter.json
    OMP_NUM_THREADS=1 python bench/shapes_video_edit.py --runs bench/out/shapes_contextdiff_9min --configs inverted inverted_clip_mask inverted_first shared independent inverted_no_mask --strengths 0.15 0.2 0.3 0.4 --variants plain_x0 --results bench/results/shapes_video_edit.json   # and the same with --variants adapter --results bench/results/shapes_video_edit_adapter.json
    python bench/shapes_video_edit.py --seeds 0 --val_clips 4 --test_clips 4 --strengths 0.6 --thresholds 0.5 --steps 10   # smoke
"""
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import numpy as np, torch

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = {'inverted': dict(noise='inverted', mask=True), 'shared': dict(noise='shared', mask=True),
           'independent': dict(noise='independent', mask=True), 'inverted_no_mask': dict(noise='inverted', mask=False),
           # coupling inside the edit: one mask per clip, cross-frame attention (notebook 13, section 2)
           'inverted_clip_mask': dict(noise='inverted', mask=True, mask_over='clip'),
           'inverted_first': dict(noise='inverted', mask=True, attend='first'),
           'inverted_sparse_causal': dict(noise='inverted', mask=True, attend='sparse_causal'),
           'inverted_first_clip_mask': dict(noise='inverted', mask=True, attend='first', mask_over='clip')}
TUNED_AS = {'independent': 'shared', 'inverted_no_mask': 'inverted', 'inverted_first': 'inverted', 'inverted_sparse_causal': 'inverted'}   # whose validation choice a config uses (others: their own)
ABLATIONS = ('independent', 'inverted_no_mask', 'inverted_first', 'inverted_sparse_causal')   # run on --ablation_seeds only

def rel(p) -> str:
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def edit_set(split: str, n: int, seed: int) -> tuple:
    "n clips of `split` with one random edit each: (clips, edit texts, target objects)"
    from cclddg.data import ShapesVideo
    from cclddg.video import random_edit, apply_edit
    vid, rng = ShapesVideo(split, n=n), np.random.default_rng(seed)
    clips = [vid.clip(j) for j in range(n)]
    edits = [random_edit(c['objects'], rng) for c in clips]
    return clips, edits, [apply_edit(c['objects'], e) for c, e in zip(clips, edits)]

def score(pipe, judge, clips, targets, bs: int = 32, **kw) -> dict:
    "Mean scores of editing `clips` to `targets` with `edit_video(**kw)`, and seconds per clip"
    from cclddg.data import caption_for
    from cclddg.video import edit_video, edit_scores, mean_scores
    rows, t0 = [], time.time()
    for i in range(0, len(clips), bs):
        cs, ts = clips[i:i + bs], targets[i:i + bs]
        out = edit_video(pipe, torch.stack([c['video'] for c in cs]), [c['canonical'] for c in cs], [caption_for(t) for t in ts], **kw)
        rows += [{**edit_scores(judge, pipe.embedder, v, c, t), 'mask_area': m.mean().item()}
                 for v, m, c, t in zip(out['video'], out['latent_mask'], cs, ts)]
    return {**mean_scores(rows), 'seconds_per_clip': (time.time() - t0) / len(clips), 'n_clips': len(clips)}

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--runs', default=str(ROOT/'bench'/'out'/'shapes_contextdiff'), help="bench/shapes_contextdiff.py's --out: runs VARIANT_seedS")
    p.add_argument('--variants', nargs='+', default=['plain_x0', 'adapter'])
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--val_clips', type=int, default=40)
    p.add_argument('--test_clips', type=int, default=60)
    p.add_argument('--steps', type=int, default=50, help='DDIM steps over the whole schedule (an edit runs strength x steps of them)')
    p.add_argument('--strengths', type=float, nargs='+', default=[0.2, 0.3, 0.4, 0.5])
    p.add_argument('--thresholds', type=float, nargs='+', default=[0.5])
    p.add_argument('--configs', nargs='+', default=['inverted', 'shared', 'independent', 'inverted_no_mask'], help=f"of {', '.join(CONFIGS)}")
    p.add_argument('--ablation_seeds', type=int, nargs='+', default=[0], help=f"seeds on which {', '.join(ABLATIONS)} run too (the others run on every seed)")
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_video_edit.json'))
    a = p.parse_args()
    from cclddg.cclddg import load_pipeline
    from cclddg.data import Shapes, caption_for
    from cclddg.evaluation import get_shapes_attr_classifier
    from cclddg.video import edit_scores, mean_scores, ideal_edit
    for c in a.configs:
        if c not in CONFIGS: sys.exit(f"error: unknown config '{c}': expected one of {', '.join(CONFIGS)}")
    runs = {(v, s): Path(a.runs)/f'{v}_seed{s}' for v in a.variants for s in a.seeds}
    for (v, s), r in runs.items():
        if not (r/'checkpoints'/'latest').exists(): sys.exit(f"error: no model at '{rel(r)}': run bench/shapes_contextdiff.py first (or pass --runs)")
    judge = get_shapes_attr_classifier()
    val, val_edits, val_targets = edit_set('val', a.val_clips, 0)
    test, test_edits, test_targets = edit_set('test', a.test_clips, 1)
    train_caps = {Shapes('train').scene(i)[2] for i in range(20000)}
    memo = dict(test_source_captions_in_train=sum(c['canonical'] in train_caps for c in test),
                test_target_captions_in_train=sum(caption_for(t) in train_caps for t in test_targets),
                test_clips_unseen=sum(bool(c['unseen']) for c in test), n=len(test))
    print('memorisable:', memo, flush=True)
    pipe0 = load_pipeline(runs[(a.variants[0], a.seeds[0])])
    refs = {'source': mean_scores([edit_scores(judge, pipe0.embedder, c['video'], c, t) for c, t in zip(test, test_targets)]),
            'ideal': mean_scores([edit_scores(judge, pipe0.embedder, ideal_edit(c, t), c, t) for c, t in zip(test, test_targets)])}
    tuning, chosen, rows = {}, {}, {}
    for v in a.variants:                                   # choose strength and threshold on validation clips, seed 0
        pipe = load_pipeline(runs[(v, a.seeds[0])])
        for tc in sorted({TUNED_AS.get(c, c) for c in a.configs}):
            grid = {}
            for st in a.strengths:
                for th in a.thresholds:
                    r = score(pipe, judge, val, val_targets, strength=st, threshold=th, steps=a.steps, **CONFIGS[tc])
                    grid[f'strength={st},threshold={th}'] = r
                    print(f"[val] {v} {tc} strength {st} threshold {th}: edit {r['edit_accuracy']:.3f} preservation {r['preservation']:.3f}", flush=True)
            best = max(grid, key=lambda k: (min(grid[k]['edit_accuracy'], grid[k]['preservation']), grid[k]['edit_accuracy'] + grid[k]['preservation']))
            tuning.setdefault(v, {})[tc] = grid
            chosen.setdefault(v, {})[tc] = {k: float(x) for k, x in (kv.split('=') for kv in best.split(','))}
            print(f"[val] {v} {tc}: chose {chosen[v][tc]}", flush=True)
    for s in a.seeds:
        for v in a.variants:
            pipe = load_pipeline(runs[(v, s)])
            for c in a.configs:
                if c in ABLATIONS and s not in a.ablation_seeds: continue
                r = score(pipe, judge, test, test_targets, steps=a.steps, seed=s, **chosen[v][TUNED_AS.get(c, c)], **CONFIGS[c])
                rows.setdefault(v, {}).setdefault(c, []).append({**r, 'seed': s})
                print(f"[test] {v} seed {s} {c}: " + ', '.join(f'{k} {x:.3f}' for k, x in r.items() if isinstance(x, float)), flush=True)
    def stats(xs):
        xs = [x for x in xs if x == x]
        return dict(mean=statistics.mean(xs), sd=statistics.stdev(xs) if len(xs) > 1 else 0., n=len(xs)) if xs else None
    keys = [k for k in next(iter(next(iter(rows.values())).values()))[0] if k not in ('seed', 'n_clips')]
    summary = {v: {c: {k: stats([r[k] for r in rs]) for k in keys} for c, rs in cs.items()} for v, cs in rows.items()}
    res = dict(benchmark='shapes_video_edit', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), runs=rel(a.runs), seeds=a.seeds, steps=a.steps, val_clips=a.val_clips,
               test_clips=a.test_clips, memorisable=memo, chosen_on_val=chosen, tuning=tuning, references=refs,
               configs={c: CONFIGS[c] for c in a.configs}, summary=summary, per_seed=rows,
               example_edits=test_edits[:10])
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    cols = ('edit_accuracy', 'preservation', 'mask_area', 'attribute_preservation', 'position_within_1px', 'position_error_px', 'text_alignment',
            'frame_consistency_consecutive', 'frame_consistency_all_pairs', 'frame_accuracy', 'seconds_per_clip')
    print('\n| model | coupling | ' + ' | '.join(cols) + ' |\n|' + '---|' * (len(cols) + 2))
    for name, r in refs.items(): print(f'| {name} | - | ' + ' | '.join(f'{r[k]:.3f}' if k in r else '-' for k in cols) + ' |')
    for v, cs in summary.items():
        for c, st in cs.items():
            print(f'| {v} | {c} | ' + ' | '.join(f"{st[k]['mean']:.3f} ± {st[k]['sd']:.3f}" if st.get(k) else '-' for k in cols) + ' |')
    print(f"(test: {a.test_clips} held-out clips, mean ± sd over seeds {a.seeds}; settings chosen on {a.val_clips} validation clips: {chosen}; saved {rel(a.results)})")

if __name__ == '__main__': main()
