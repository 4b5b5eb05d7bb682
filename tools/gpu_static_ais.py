"""GPU slice: Table 2's static (Larochelle) test set for rows filed without it, from their committed weights.

The slices that trained the AVB rows left the static set out (it did not fit their budgets). AIS needs the decoder,
and the encoder where it starts from it (`experiments.mnist.AIS_INIT`): plain AVB starts at the prior, so its filed
decoder is all it needs; an AVB+AC row needs its encoder, which a slice returns (in parts) since `slices._kept`
keeps it. So this script runs the table's AIS protocol (`MNISTConfig.ais`: T = 1000, 5 chains, L = 10, linear) on the
static test digits the table would have used (`experiments.mnist.test_sets`: the first `ais_examples` in the table's
order, with the table's seed for that set), and records each digit's value in OUT/static.json as soon as a model is
done (`run.Recorder`: a model that would pass the budget is skipped and recorded as skipped). The ELBO columns (the
adversary's estimate) need the adversary too, which no slice returns, so they stay empty.
`--ingest DIR` files what a run returned under `static` in each row's `result.json` and rebuilds `metrics.json`.

  python tools/gpu_static_ais.py --out DIR [--models avb_8] [--budget SECONDS] [--data DIR] [--dest DIR] [--tiny]
  python tools/gpu_static_ais.py --ingest DIR [--dest results/mnist/slice]
"""
from __future__ import annotations
import argparse, sys
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from avb_nb.experiments import mnist  # noqa: E402
from avb_nb.experiments.mnist import MNISTConfig, test_sets, parse_model, AIS_INIT  # noqa: E402
from avb_nb.slices import slice_model  # noqa: E402
from avb_nb.evaluate import ais_values, ais_summary  # noqa: E402
from avb_nb.core import results_dir, git_commit  # noqa: E402
from avb_nb.run import Recorder, read_json, write_json, timed, filing_commit  # noqa: E402
from gpu_record import env_info  # noqa: E402

PRESET = 'slice'
SET_SEED = 1                     # `mnist.evaluate_model` numbers the test sets 0 (dynamic), 1 (static)


def load_models(models, root=None) -> dict:
    "`{name: model}` from the filed weights, each holding what its AIS starts from (`slices.slice_model`); else a clear error."
    out = {}
    for m in models:
        try: out[m] = slice_model(m, PRESET, root)
        except (FileNotFoundError, ValueError) as e:
            raise SystemExit(f"{e}. AIS for {m} starts at {AIS_INIT[parse_model(m)[0]]}: an AVB+AC row needs the encoder that "
                             "slices return since they return weights in parts (rerun its slice first: tools/gpu_queue.md)")
    return out


def static_ais(model, cfg: MNISTConfig, x: torch.Tensor, ais: dict, chunk: int) -> dict:
    "AIS on the static digits `x` with a filed `model`: the AIS columns of a Table 2 row (`evaluate.ais_summary`)."
    return ais_summary(ais_values(model, x, **ais, chunk=chunk, seed=cfg.seed * 1000 + 17 * SET_SEED + 1, progress=False))


def run(args) -> int:
    Path(args.out).mkdir(parents=True, exist_ok=True)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False     # float32, as the slices run
    cfg = MNISTConfig.preset(PRESET)
    models = {m: net.to(dev) for m, net in load_models(args.models.split(','), args.dest).items()}
    ais = {**cfg.ais, 'n_steps': 3} if args.tiny else cfg.ais
    n = 2 if args.tiny else cfg.ais_examples
    env = env_info(args.tiny, args.budget, preset=PRESET, fingerprint=mnist.fingerprint(cfg), examples=n, ais=ais,
                   test_set='static (Larochelle)')
    rec = Recorder(args.out, 'static.json', args.budget, env, ('calibration', 'rows'), resume=True)
    x = test_sets(cfg, args.data)['static'][:n].to(dev)
    short = lambda T: static_ais(next(iter(models.values())), cfg, x, {**ais, 'n_steps': T}, cfg.ais_chunk)
    short(2)                                                                       # warm-up: one-time costs
    lo, hi = (2, 4) if args.tiny else (4, 12)
    per_step = max(timed(lambda: short(hi), dev)[0] - timed(lambda: short(lo), dev)[0], 0.) / (hi - lo)
    rec.add('calibration', dict(seconds_per_ais_step=round(per_step, 4)))
    for m, net in models.items():
        rec.run('rows', dict(model=m), lambda: static_ais(net, cfg, x, ais, cfg.ais_chunk),
                1.3 * ais['n_steps'] * per_step + 5)
    return rec.finish('static AIS')


def ingest(src, dest=None) -> int:
    "File `src/static.json` into `dest/<model>/result.json` (default `results/mnist/slice/`) and rebuild `metrics.json`."
    s, cfg = read_json(Path(src)/'static.json'), MNISTConfig.preset(PRESET)
    if s is None: raise SystemExit(f"{src} holds no static.json")
    if s['env']['tiny']:
        if dest is None: raise SystemExit("a --tiny run is a dry run: file it only into a --dest of its own")
    elif s['env']['fingerprint'] != mnist.fingerprint(cfg) or s['env']['ais'] != cfg.ais:
        raise SystemExit(f"{src}/static.json was made with other settings than the {PRESET} preset has now")
    try: filed_from = git_commit() if s['env']['tiny'] else filing_commit(s['env']['commit'], f"{src}/static.json", dest)
    except ValueError as e: raise SystemExit(str(e))
    dest = Path(dest or results_dir(mnist.NAME, PRESET))
    for row in s['rows']:
        r = read_json(dest/row['model']/'result.json')
        if r is None: raise SystemExit(f"no result of {row['model']} in {dest}: file its slice first")
        r['static'] = {**{k: v for k, v in row.items() if k != 'model'},
                       'run': dict(device=s['env']['device'], git_commit=s['env']['commit'], started=s['env']['started'])}
        write_json(dest/row['model']/'result.json', r); print(f"filed: {row['model']} static AIS {row['ais']:.2f} ± {row['ais_se']:.2f}")
    if s['env']['tiny']: return 0
    mnist.summarize(dest, cfg, 'cpu', filed_from)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', help='folder of static.json (a GPU run\'s $OUT)')
    ap.add_argument('--models', default='avb_8', help='comma-separated rows with the weights their AIS needs filed (default avb_8)')
    ap.add_argument('--budget', type=float, default=300., help='seconds; a model that would pass it is skipped')
    ap.add_argument('--data', default=None, help='folder holding binarized_mnist/ (default: the library default)')
    ap.add_argument('--tiny', action='store_true', help='2 digits, T = 3: the CPU dry run of this same script')
    ap.add_argument('--ingest', metavar='DIR', help='file a returned static.json instead of running')
    ap.add_argument('--dest', help='the rows\' folder (default results/mnist/slice): weights read from it; with --ingest, filed into it')
    args = ap.parse_args(argv)
    if args.ingest: return ingest(args.ingest, args.dest)
    if not args.out: ap.error('--out DIR is needed (or --ingest DIR)')
    if args.dest and not args.tiny: ap.error('--dest in a run is for the --tiny dry run: the table\'s rows are read from results/mnist/slice')
    return run(args)


if __name__ == '__main__':
    sys.exit(main())
