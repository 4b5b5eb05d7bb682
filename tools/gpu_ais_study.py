"""GPU slice: how converged and how tight Table 2's AIS is, on the VAE-8 decoder a slice trained (issue: AIS you can trust).

With the library's own code (`slices.slice_model`, `experiments.mnist.test_sets`; `evaluate`: `ais_values`, `simulate`, `bdmc_values`):
  1. BDMC at the table's protocol (T = 1000, L = 10, linear, 5 chains, initial distribution q(z|x)) on digits simulated
     from the decoder: forward and reverse AIS bounds per digit;
  2. the convergence sweep on real test digits (dynamic test set): T in 100, 300, 1000, 3000; L = 10 then 5; linear
     then sigmoid; per-digit values, so differences can be paired;
  3. BDMC at T = 3000 and T = 100, if time is left.
Each measurement is written to OUT/study.json as soon as it is taken (tools/gpu_record.py); what would pass the budget
is skipped and recorded as skipped, never silently shortened. Rerun with the same arguments on the same machine, the
script keeps the rows already in OUT/study.json and takes only the rest (so on a CPU the study can span several sittings).

  python tools/gpu_ais_study.py --out DIR [--budget SECONDS] [--data DIR] [--model NAME] [--preset NAME] [--examples N]
                                [--sweep-T 100,300] [--bdmc-T 1000] [--tiny]   # --tiny: the CPU dry run
--preset paper takes a model still training across slices at the step its filed state reached (`slices.slice_model`).
"""
from __future__ import annotations
import argparse, sys, time
from pathlib import Path
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from avb_nb.experiments.mnist import MNISTConfig, test_sets, parse_model, AIS_INIT  # noqa: E402
from avb_nb.slices import slice_model  # noqa: E402
from avb_nb.evaluate import ais_values, simulate, bdmc_values  # noqa: E402
from avb_nb.core import sync, results_dir, repo_root  # noqa: E402
from avb_nb.run import Recorder  # noqa: E402
from gpu_record import env_info  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True)
    ap.add_argument('--budget', type=float, default=480., help='seconds; runs that would pass it are skipped')
    ap.add_argument('--data', default=None, help='folder holding mnist/ (default: the library default)')
    ap.add_argument('--model', default='vae_8')
    ap.add_argument('--preset', default='slice', help='whose filed weights (or training state): results/mnist/PRESET/MODEL/')
    ap.add_argument('--examples', type=int, default=256, help='test digits in the sweep, and simulated digits for BDMC')
    ap.add_argument('--sweep-T', default='100,300,1000,3000', help='the sweep\'s numbers of distributions T, comma-separated')
    ap.add_argument('--bdmc-T', default='1000,3000,100', help='BDMC\'s T, comma-separated, the first before the sweep; "" for none')
    ap.add_argument('--tiny', action='store_true', help='2 digits, T of 2-3: the CPU dry run of this same script')
    args = ap.parse_args(argv)
    Path(args.out).mkdir(parents=True, exist_ok=True)
    dev = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False     # float32, as the slices run
    n = 2 if args.tiny else args.examples
    ints = lambda a: tuple(int(t) for t in a.split(',') if t.strip())
    Ts, bdmc_Ts = ((2, 3), (3, 2)) if args.tiny else (ints(args.sweep_T), ints(args.bdmc_T))
    cfg, d = MNISTConfig.preset(args.preset), results_dir('mnist', args.preset)/args.model
    staged = None if (d/'weights.pt').exists() else torch.load(d/'state.pt', map_location='cpu', weights_only=False)['step']
    env = env_info(args.tiny, args.budget, model=args.model, preset=args.preset,
                   weights=str((d/('weights.pt' if staged is None else 'state.pt')).relative_to(repo_root())), step=staged,
                   examples=n, chains=cfg.ais_chains, sweep_T=list(Ts), bdmc_T=list(bdmc_Ts), init=AIS_INIT[parse_model(args.model)[0]])
    rec = Recorder(args.out, 'study.json', args.budget, env, ('calibration', 'bdmc', 'sweep'), resume=True)
    model = slice_model(args.model, args.preset).to(dev)
    x = test_sets(cfg, args.data)['dynamic'][:n].to(dev)
    x_sim, z_sim = simulate(model, n, seed=1)
    at = lambda T, L, s: {**cfg.ais, 'n_steps': T, 'n_leapfrog': L, 'schedule': s}

    def timed_ais(T, L, s):
        sync(dev); t0 = time.perf_counter(); r = ais_values(model, x, **at(T, L, s), chunk=n, progress=False); sync(dev)
        return r, time.perf_counter() - t0
    timed_ais(2, 10, 'linear')                                                     # warm-up
    lo, hi = (2, 4) if args.tiny else (4, 12)
    per_step = (timed_ais(hi, 10, 'linear')[1] - timed_ais(lo, 10, 'linear')[1]) / (hi - lo)
    rec.add('calibration', dict(seconds_per_ais_step_L10=round(per_step, 4)))
    need = lambda T, L, k=1: k * T * L / 10 * max(per_step, 1e-4) * 1.3 + 3

    def sweep_row(T, L, s):
        def f():
            r, sec = timed_ais(T, L, s)
            return dict(values=[round(v, 4) for v in r['values'].tolist()], accept=round(r['accept'], 3), seconds=round(sec, 1))
        return f

    def bdmc_row(T, L, s):
        def f():
            b = bdmc_values(model, x_sim, z_sim, **at(T, L, s), seed=2)
            return dict(lower=[round(v, 4) for v in b['lower'].tolist()], upper=[round(v, 4) for v in b['upper'].tolist()],
                        accept=round(b['accept'], 3), seconds=round(b['seconds'], 1))
        return f

    for T in bdmc_Ts[:1]: rec.run('bdmc', dict(T=T, L=10, schedule='linear'), bdmc_row(T, 10, 'linear'), need(T, 10, 2))
    for L in (10, 5):
        for s in ('linear', 'sigmoid'):
            for T in Ts: rec.run('sweep', dict(T=T, L=L, schedule=s), sweep_row(T, L, s), need(T, L))
    for T in bdmc_Ts[1:]: rec.run('bdmc', dict(T=T, L=10, schedule='linear'), bdmc_row(T, 10, 'linear'), need(T, 10, 2))
    return rec.finish('ais study')


if __name__ == '__main__':
    sys.exit(main())
