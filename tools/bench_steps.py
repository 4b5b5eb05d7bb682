"""Step timings quoted in the issue notes, on the current machine (CPU, 1 thread unless --threads).

1. The alternating scheme's step with and without the `adversary=False` primal pass: the old behaviour is
   recovered by hiding the flag from `TrainStep` (a wrapper without it), so the primal step also runs the
   adversary's own pass.
2. One training step of the celebA paper preset's networks at its batch size.

Usage: .venv/bin/python tools/bench_steps.py [--threads N] [--skip-celeba]
"""
import argparse, json, time
import torch
from avb_nb.core import seed_everything, device_name
from avb_nb.data import synthetic_2x2
from avb_nb.train import TrainStep, TrainConfig
from avb_nb.experiments import synthetic as S, eight_schools as E, celeba as C

def ms_per_step(model, batch, bs, lean: bool, n: int = 150, warmup: int = 10) -> float:
    if not lean:
        f = model.losses; model.losses = lambda x: f(x)        # no `adversary` flag: the old primal step
    st = TrainStep(model, TrainConfig(batch_size=bs, scheme='alternating', k=2, device='cpu'))
    for _ in range(warmup): st(batch)
    t = time.perf_counter()
    for _ in range(n): st(batch)
    return (time.perf_counter() - t) / n * 1e3

def main():
    p = argparse.ArgumentParser(); p.add_argument('--threads', type=int, default=1); p.add_argument('--skip-celeba', action='store_true')
    a = p.parse_args(); torch.set_num_threads(a.threads)
    x = synthetic_2x2()
    cases = {'synthetic AVB, paper nets, batch 128': (lambda: S.make_model('avb', S.SyntheticConfig.preset('cpu')),
                                                     lambda: x[torch.randint(len(x), (128,))], 128),
             'eight-schools AVB, batch 512': (lambda: E.make_model('avb', E.EightSchoolsConfig.preset('paper')), lambda: 512, 512)}
    out = dict(device=device_name(torch.device('cpu')), threads=a.threads, alternating_ms_per_step={})
    for name, (mk, batch, bs) in cases.items():
        r = {'old (adversary pass kept)': [], 'new (adversary=False)': []}
        for _ in range(2):
            for lean, key in ((False, 'old (adversary pass kept)'), (True, 'new (adversary=False)')):
                seed_everything(0); r[key].append(round(ms_per_step(mk(), batch, bs, lean), 1))
        out['alternating_ms_per_step'][name] = r
    if not a.skip_celeba:
        cfg = C.CelebAConfig.preset('paper'); seed_everything(0); m = C.make_model(cfg)
        st = TrainStep(m, C.train_config(cfg, 'cpu')); xb = torch.rand(cfg.batch_size, 3, 64, 64)
        st(lambda: xb); t = time.perf_counter()
        for _ in range(2): st(lambda: xb)
        s = (time.perf_counter() - t) / 2
        out['celeba_paper_step'] = dict(batch=cfg.batch_size, seconds=round(s, 2), preset_hours=round(s * cfg.steps / 3600, 1),
                                        params_millions=C.n_params(m))
    print(json.dumps(out, indent=1))

if __name__ == '__main__': main()
