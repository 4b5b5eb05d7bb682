"""AIS of a model part-way through its training, from its filed state: `slices.stage_ais`, then `slices.file_stage_ais`.

A model trained in stages (`results/mnist/<preset>/<model>/state.pt`) has no AIS until a slice finishes it. This runs
the table's AIS protocol on the first N of the table's digits at the step the state reached (about 12 s per digit for
a VAE-8 on one CPU thread; on a GPU all 2,048 digits take about a minute), caching each chunk in OUT (rerun the
same command to resume), and writes OUT/stage_ais.json; `--ingest OUT` files it beside the state. Run it from a clean,
committed tree (the record names the commit), or pass the commit where there is no .git (a lent GPU machine).

  python tools/stage_ais.py MODEL --examples N --out DIR [--preset paper] [--root DIR] [--data DIR] [--chunk 32]
                            [--threads 1] [--device cpu] [--commit SHA]
  python tools/stage_ais.py --ingest DIR [--dest DIR]
"""
from __future__ import annotations
import argparse, sys
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from avb_nb.slices import stage_ais, file_stage_ais  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', nargs='?', help='a staged model, e.g. vae_8')
    ap.add_argument('--examples', type=int, help="how many of the table's AIS digits to run AIS on")
    ap.add_argument('--out', help='folder of the chunks and stage_ais.json')
    ap.add_argument('--preset', default='paper')
    ap.add_argument('--root', help='folder of the filed states (default results/mnist/<preset>)')
    ap.add_argument('--data', help='folder holding mnist/ (default: the library default)')
    ap.add_argument('--chunk', type=int, default=32, help='digits per AIS run, each cached as it ends (default 32)')
    ap.add_argument('--threads', type=int, help='torch threads (default: torch\'s)')
    ap.add_argument('--device', default='cpu', help='cpu (default) or cuda (float32, as the slices run)')
    ap.add_argument('--commit', help='the commit to record (default: the tree\'s)')
    ap.add_argument('--ingest', metavar='DIR', help='file DIR/stage_ais.json instead of running')
    ap.add_argument('--dest', help='with --ingest: the folder of the filed states (default results/mnist/<preset>)')
    args = ap.parse_args(argv)
    if not args.ingest and not (args.model and args.examples and args.out): ap.error('give MODEL, --examples and --out (or --ingest DIR)')
    if args.threads: torch.set_num_threads(args.threads)
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False     # float32, as the slices run
    try:
        r = (file_stage_ais(args.ingest, args.dest) if args.ingest else
             stage_ais(args.model, args.examples, args.out, args.preset, args.root, args.data, args.chunk, args.device,
                       args.commit))
    except (FileNotFoundError, ValueError) as e: raise SystemExit(f"stage_ais: {e}")
    print(f"{r['model']} at step {r['step']:,}: AIS {r['ais']:.2f} ± {r['ais_se']:.2f} (AIS on {r['n']} of {r['of']} digits: "
          f"{r['subset']['ais']:.2f} ± {r['subset']['ais_se']:.2f}; AIS minus ELBO {r['gap']:.2f} ± {r['gap_se']:.2f})")
    return 0


if __name__ == '__main__':
    sys.exit(main())
