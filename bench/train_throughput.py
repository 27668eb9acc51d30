"""Training steps/s: the project's engine against a plain PyTorch loop over the same networks.

    python bench/train_throughput.py [--families dcgan,infogan,spade,stylegan,cyclegan,cgan] [--rounds 7]
                                     [--chunk 5] [--threads 1] [--levers] [--bf16]

For each family, at its recipe's batch size, image size and network (training/recipes/*.sh):
  project  training.loop.fit() with the family's trainer (training/steps/), as `gan-studio train`
           runs it on a CPU in fp32 (sampling and checkpoints off, as in the plain loop)
  plain    the same networks (same config, same initial weights) and the same losses, written
           the way the PyTorch examples and the papers' code write a GAN loop: a DataLoader over
           the dataset (synthetic items drawn on the fly, default_collate), default NCHW layout, default
           Adam, every loss read with .item() each step, D's weight gradients computed in G's
           update and discarded (the PyTorch DCGAN example; the CycleGAN authors' code freezes
           D, so its plain loop does too), one D call per batch of reals or fakes
  plain+   the plain loop with the data as ready tensors and D frozen in G's update (the issue's
           stronger baseline), to show what the layout/kernels/batching levers give on their own
The contenders run side by side: `--rounds` rounds, each running `--chunk` steps of every
contender in turn (after a warm-up), so drift in the machine's load hits all alike; the
rates are medians over rounds, the ratios medians of the per-round ratios. Rates count
steps per CPU second of this process by default (`--clock wall`: per wall-clock second;
both are printed): on a machine shared with other work, CPU time is what a step costs,
and with one torch thread it equals wall time on an idle machine.
`--levers` adds the project with one lever off at a time; `--bf16` the project under bf16 autocast.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from training import losses as L  # noqa: E402
from training.engine import Engine  # noqa: E402
from training.loop import fit  # noqa: E402
from training.setup import RunSpec, build_run, split_settings  # noqa: E402

# The recipes' settings (training/recipes/*.sh): batch size, image size, --set overrides.
RECIPES = {
    "dcgan": dict(dataset="mnist-train", batch_size=64, img_size=32, sets=dict(g_width=64, d_width=64)),
    "infogan": dict(dataset="mnist", batch_size=64, img_size=32, sets=dict(g_width=64, d_width=64)),
    "spade": dict(dataset="landscapes", batch_size=8, img_size=64, sets={}),
    "stylegan": dict(dataset="faces", batch_size=16, img_size=32, loss="nonsaturating",
                     sets=dict(z_dim=32, w_dim=64, channel_base=1536, channel_max=48, d_channel_base=512,
                               d_channel_max=48, mixing_prob=0.9, r1_gamma=0.05, architecture="orig")),
    "cyclegan": dict(dataset="summer2winter", batch_size=1, img_size=64, loss="lsgan",
                     sets=dict(ngf=16, ndf=32, n_blocks=6)),
    "cgan": dict(dataset="mnist-train", batch_size=64, img_size=32, sets=dict(mode_seeking=0.3)),
}
SYNTHETIC = {"landscapes", "faces", "summer2winter"}


def spec_for(family: str) -> RunSpec:
    r = RECIPES[family]
    spec = RunSpec(family=family, dataset=r["dataset"], batch_size=r["batch_size"], img_size=r["img_size"],
                   loss=r.get("loss"), steps=10 ** 6, seed=0).resolved()
    spec.model, spec.trainer = split_settings(family, r["sets"])
    return spec


def build(family: str, cache: bool = True):
    spec = spec_for(family)
    kwargs = {"cache": cache} if spec.dataset in SYNTHETIC else {}
    trainer, dataset = build_run(spec, **kwargs)
    if cache and spec.dataset in SYNTHETIC:
        warm(dataset)
    return spec, trainer, dataset


WARMED: set[str] = set()


def warm(dataset) -> None:
    """Draw the whole synthetic dataset into its cache once (what the first epoch of a run does)."""
    if type(dataset).__name__ + str(len(dataset)) in WARMED:
        return
    t = time.perf_counter()
    for i in range(0, len(dataset), 500):
        dataset.take(range(i, min(i + 500, len(dataset))))
    WARMED.add(type(dataset).__name__ + str(len(dataset)))
    print(f"  ({type(dataset).__name__}: {len(dataset)} items in the render cache, {time.perf_counter() - t:.0f} s; "
          "once per dataset and seed)", flush=True)


# ----------------------------------------------------------------------------- plain loops, one per family


def plain_dcgan(tr, real, s):
    """PyTorch's DCGAN example: two D backward passes, then G through the (unfrozen) D; .item() each step."""
    G, D = tr.nets["G"], tr.nets["D"]
    D.zero_grad()
    out_real = D(real)
    err_real = F.binary_cross_entropy_with_logits(out_real, torch.ones_like(out_real))
    err_real.backward()
    fake = G(torch.randn(real.shape[0], tr.cfg.z_dim))
    out_fake = D(fake.detach())
    err_fake = F.binary_cross_entropy_with_logits(out_fake, torch.zeros_like(out_fake))
    err_fake.backward()
    s.opt["D"].step()
    G.zero_grad()
    with s.freeze(D):
        out = D(fake)
        err_g = F.binary_cross_entropy_with_logits(out, torch.ones_like(out))
        err_g.backward()
    s.opt["G"].step()
    return [(err_real + err_fake).item(), err_g.item(), out_real.sigmoid().mean().item(),
            out_fake.sigmoid().mean().item()]


def plain_infogan(tr, real, s):
    G, D, cfg = tr.nets["G"], tr.nets["D"], tr.cfg
    n = real.shape[0]
    z, c = torch.randn(n, cfg.z_dim), torch.randint(cfg.n_cat, (n,))
    cc = torch.rand(n, cfg.n_cont) * 2 - 1
    fake = G(z, c, cc)

    def mi(q):
        cat, mean, log_std = q
        return (cfg.lambda_cat * F.cross_entropy(cat, c)
                + cfg.lambda_cont * (log_std + 0.5 * ((cc - mean) / log_std.exp()) ** 2).sum(1).mean())
    d_real = D(real)
    d_fake, *q = D(fake.detach(), q=True)
    loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean() + mi(q)
    s.opt["D"].zero_grad()
    loss_d.backward()
    s.opt["D"].step()
    with s.freeze(D.trunk, D.head):
        out, *q = D(fake, q=True)
        loss_g = F.softplus(-out).mean() + mi(q)
        s.opt["G"].zero_grad()
        loss_g.backward()
    s.opt["G"].step()
    return [loss_d.item(), loss_g.item()]


def plain_spade(tr, batch, s):
    """SPADE from the paper: hinge D on fake and real pairs, then G with feature matching, KL and L1."""
    G, D = tr.nets["G"], tr.nets["D"]
    real = batch["image"]
    seg = F.one_hot(batch["label"], tr.cfg.num_classes).permute(0, 3, 1, 2).float()
    mu, logvar = G.encode(real)
    fake = G(seg, mu + torch.randn_like(mu) * (0.5 * logvar).exp())
    d_fake, d_real = D(fake.detach(), seg), D(real, seg)
    k = len(d_real)                                                    # scales
    loss_d = sum(F.relu(1 - r[-1]).mean() + F.relu(1 + f[-1]).mean() for r, f in zip(d_real, d_fake)) / k
    s.opt["D"].zero_grad()
    loss_d.backward()
    s.opt["D"].step()
    with s.freeze(D):
        d_fake = D(fake, seg)
        with torch.no_grad():
            d_real = D(real, seg)
        gan = sum(-f[-1].mean() for f in d_fake) / k
        fm = sum(sum(F.l1_loss(a, b) for a, b in zip(f[:-1], r[:-1])) / len(f[:-1])
                 for f, r in zip(d_fake, d_real)) / k
        kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1).mean()
        loss_g = gan + 10 * fm + 0.05 * kl + 10 * F.l1_loss(fake, real)
        s.opt["G"].zero_grad()
        loss_g.backward()
    s.opt["G"].step()
    return [loss_d.item(), loss_g.item(), gan.item(), fm.item(), kl.item()]


def plain_stylegan(tr, real, s):
    """StyleGAN2: non-saturating loss, lazy R1 every 16 D steps, style mixing p=0.9, EMA generator."""
    G, D, E, cfg, t = tr.nets["G"], tr.nets["D"], tr.nets["G_ema"], tr.cfg, tr.train_cfg
    n = real.shape[0]

    def ws():
        w = G.map(torch.randn(n, cfg.z_dim), update_w_avg=True)
        if torch.rand(()) < t.mixing_prob:
            cut = int(torch.randint(1, cfg.num_ws, ()))
            w = torch.cat([w[:, :cut], G.map(torch.randn(n, cfg.z_dim))[:, cut:]], 1)
        return w
    with torch.no_grad():
        fake = G.synthesis(ws(), "random")
    r1_now = s.step % t.r1_every == 0
    x = real.detach().requires_grad_(r1_now)
    d_real, d_fake = D(x), D(fake)
    loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
    if r1_now:
        (g,) = torch.autograd.grad(d_real.sum(), x, create_graph=True)
        loss_d = loss_d + t.r1_gamma / 2 * g.pow(2).sum((1, 2, 3)).mean() * t.r1_every
    s.opt["D"].zero_grad()
    loss_d.backward()
    s.opt["D"].step()
    with s.freeze(D):
        loss_g = F.softplus(-D(G.synthesis(ws(), "random"))).mean()
        s.opt["G"].zero_grad()
        loss_g.backward()
    s.opt["G"].step()
    beta = 0.5 ** (n / max(min(t.ema_kimg * 1000, (s.step + 1) * n * 0.05 + 1), 1e-8))
    with torch.no_grad():
        for pe, p in zip(E.parameters(), G.parameters()):
            pe.copy_(p.lerp(pe, beta))
        for be, b in zip(E.buffers(), G.buffers()):
            be.copy_(b)
    return [loss_d.item(), loss_g.item(), d_real.sigmoid().mean().item(), d_fake.sigmoid().mean().item()]


def plain_cyclegan(tr, batch, s):
    """The CycleGAN authors' step: both generators with D frozen, then each D on reals and pooled fakes."""
    G, D_A, D_B = tr.nets["G"].G_AB, tr.nets["D_A"], tr.nets["D_B"]
    F_ = tr.nets["G"].G_BA
    a, b = batch["A"], batch["B"]
    fake_b, fake_a = G(a), F_(b)
    rec_a, rec_b = F_(fake_b), G(fake_a)
    idt_b, idt_a = G(b), F_(a)
    with contextlib.ExitStack() as stack:
        for D in (D_A, D_B):
            stack.enter_context(_frozen(D))
        pb, pa = D_B(fake_b), D_A(fake_a)
        loss_g = (F.mse_loss(pb, torch.ones_like(pb)) + F.mse_loss(pa, torch.ones_like(pa))
                  + 10 * (F.l1_loss(rec_a, a) + F.l1_loss(rec_b, b)) + 5 * (F.l1_loss(idt_b, b) + F.l1_loss(idt_a, a)))
        s.opt["G"].zero_grad()
        loss_g.backward()
    s.opt["G"].step()
    s.opt["D"].zero_grad()
    loss_d = 0
    for D, real, fake in ((D_B, b, tr.pool_b.query(fake_b)), (D_A, a, tr.pool_a.query(fake_a))):
        pr, pf = D(real), D(fake.detach())
        loss = 0.5 * (F.mse_loss(pr, torch.ones_like(pr)) + F.mse_loss(pf, torch.zeros_like(pf)))
        loss.backward()
        loss_d = loss_d + loss.item()
    s.opt["D"].step()
    return [loss_g.item(), loss_d]


def plain_cgan(tr, batch, s):
    """Projection cGAN (Miyato & Koyama 2018): hinge D on real (x, y) and fake (G(z, y'), y'), then G,
    with the recipe's mode-seeking term (Mao et al. 2019) on two halves that ask for the same classes."""
    G, D, cfg = tr.nets["G"], tr.nets["D"], tr.cfg
    real, y = batch["image"], batch["label"].long()
    n, h = real.shape[0], real.shape[0] // 2
    z = torch.randn(n, cfg.z_dim)
    y_fake = torch.randint(cfg.n_classes, (n,))
    y_fake[h:2 * h] = y_fake[:h]
    fake = G(z, y_fake)
    d_real, d_fake = D(real, y)[0], D(fake.detach(), y_fake)[0]
    loss_d = F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
    s.opt["D"].zero_grad()
    loss_d.backward()
    s.opt["D"].step()
    with s.freeze(D):
        loss_g = -D(fake, y_fake)[0].mean()
        ratio = (fake[:h] - fake[h:2 * h]).abs().mean() / (z[:h] - z[h:2 * h]).abs().mean()
        loss_g = loss_g + tr.train_cfg.mode_seeking / (ratio + 1e-5)
        s.opt["G"].zero_grad()
        loss_g.backward()
    s.opt["G"].step()
    return [loss_d.item(), loss_g.item(), d_real.sigmoid().mean().item(), d_fake.sigmoid().mean().item()]


PLAIN = {"dcgan": (plain_dcgan, "image"), "infogan": (plain_infogan, "image"), "spade": (plain_spade, None),
         "stylegan": (plain_stylegan, "image"), "cyclegan": (plain_cyclegan, None), "cgan": (plain_cgan, None)}


@contextlib.contextmanager
def _frozen(*modules):
    params = [p for m in modules for p in m.parameters()]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)


class Plain:
    """The plain loop of a family: fresh nets (same config and seed as the project's), default Adam."""

    def __init__(self, family: str, strong: bool = False):
        self.family, self.strong = family, strong
        _, self.tr, dataset = build(family, cache=strong)   # build_run seeds: the project's initial weights
        betas = (0.0, 0.99) if family == "stylegan" else (0.5, 0.999)
        lr_d = self.tr.optimizers["D"].param_groups[0]["lr"]
        self.opt = {name: torch.optim.Adam([p for g in o.param_groups for p in g["params"]],
                                           lr=o.param_groups[0]["lr"] if name != "D" else lr_d, betas=betas)
                    for name, o in self.tr.optimizers.items()}
        self.fn, key = PLAIN[family]
        self.key = key
        self.freeze = _frozen if (strong or family == "cyclegan") else (lambda *m: contextlib.nullcontext())
        if strong:            # the data as ready tensors, sliced in the loop's order
            from training.loop import batches
            spec = spec_for(family)
            self.data = batches(dataset, spec.batch_size, seed=0)
        else:
            loader = DataLoader(dataset, batch_size=spec_for(family).batch_size, shuffle=True, drop_last=True)
            self.data = itertools.chain.from_iterable(itertools.repeat(loader))
        self.step = 0

    def run(self, n: int) -> None:
        for _ in range(n):
            batch = next(self.data)
            self.fn(self.tr, batch[self.key] if self.key else batch, self)
            self.step += 1


class Project:
    """training.loop.fit with the family's trainer, advanced `chunk` steps at a time (log_every = chunk)."""

    def __init__(self, family: str, chunk: int, engine: Engine | None = None, patch=None, cache: bool = True,
                 collate: bool = False):
        spec, trainer, dataset = build(family, cache=cache)
        if collate:          # item by item through default_collate, as before take()
            dataset = _NoTake(dataset)
        self.patch = patch or contextlib.nullcontext
        self.tmp = tempfile.TemporaryDirectory()
        self.events = fit(trainer, dataset, steps=10 ** 6, batch_size=spec.batch_size, out=self.tmp.name,
                          seed=0, sample_every=0, checkpoint_every=0, log_every=chunk, resume=False,
                          engine=engine or Engine())
        with self.patch():
            next(self.events)                   # "start"

    def run(self, n: int) -> None:              # n == chunk: one "step" event
        with self.patch():
            ev = next(self.events)
        assert ev.kind == "step", ev


class _NoTake(torch.utils.data.Dataset):
    def __init__(self, ds):
        self.ds = ds

    def __len__(self):
        return len(self.ds)

    def __getitem__(self, i):
        return self.ds[i]


# ----------------------------------------------------------------------------- levers, switched off one at a time


def _patched(obj, name, value):
    @contextlib.contextmanager
    def cm():
        old = vars(obj)[name]                 # as stored (a staticmethod stays one)
        setattr(obj, name, value)
        try:
            yield
        finally:
            setattr(obj, name, old)
    return cm


def lever_contenders(family: str, chunk: int) -> dict:
    import training.steps.cyclegan as cyc
    import training.steps.spade as spd
    steps_module = family
    module = sys.modules[f"training.steps.{steps_module}"]
    unfrozen = _patched(module, "frozen", lambda *m: contextlib.nullcontext())
    from training.families import get_trainer_class
    out = {
        "-channels_last": lambda: Project(family, chunk, Engine(channels_last=False)),
        "-fused": lambda: Project(family, chunk, Engine(fused=False)),
        "-frozen D": lambda: Project(family, chunk, patch=unfrozen),
        "-take": lambda: Project(family, chunk, collate=True),
    }
    if not get_trainer_class(family).channels_last or RECIPES[family]["batch_size"] == 1:
        del out["-channels_last"]                         # the project does not use it for this family
    if RECIPES[family]["dataset"] in SYNTHETIC:
        out["-cache"] = lambda: Project(family, chunk, cache=False)
    if family == "cyclegan":
        def separate_calls(net, *xs):
            return [None if x is None else net(x) for x in xs]
        out["-one call"] = lambda: Project(family, chunk, patch=_patched(cyc, "_each", separate_calls))
    if family == "cgan":
        import training.steps.cgan as cg

        def two_calls(self, D, real, y, fake, y_fake):
            return (*D(real, y), *D(fake, y_fake))
        out["-one call"] = lambda: Project(family, chunk, patch=_patched(cg.CGANTrainer, "discriminate", two_calls))
    if family == "spade":
        def two_calls_d(D, fake, real, seg):
            return D(fake, seg), D(real, seg)
        out["-one call"] = lambda: Project(family, chunk, patch=_patched(spd.SPADETrainer, "discriminate",
                                                                          staticmethod(two_calls_d)))

        class NoCache:
            cached = staticmethod(contextlib.nullcontext)
        out["-SN once"] = lambda: Project(family, chunk, patch=_patched(spd, "parametrize", NoCache))
    return out


def measure(contenders: dict, rounds: int, chunk: int, warmup: int) -> tuple[dict, dict]:
    """Per contender, per round: (steps per wall second, steps per CPU second of this process)."""
    built = {name: make() for name, make in contenders.items()}
    for c in built.values():
        c.run(warmup)
    wall: dict[str, list[float]] = {name: [] for name in built}
    cpu: dict[str, list[float]] = {name: [] for name in built}
    for r in range(rounds):
        order = list(built) if r % 2 == 0 else list(built)[::-1]
        for name in order:
            t, c = time.perf_counter(), time.process_time()
            built[name].run(chunk)
            wall[name].append(chunk / (time.perf_counter() - t))
            cpu[name].append(chunk / (time.process_time() - c))
    return wall, cpu


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--families", default="dcgan,infogan,spade,stylegan,cyclegan,cgan")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--chunk", type=int, default=5, help="steps per contender per round")
    p.add_argument("--threads", type=int, default=1, help="torch threads, the same for every contender (most recipes train with 1)")
    p.add_argument("--levers", action="store_true", help="also the project with each lever off")
    p.add_argument("--bf16", action="store_true", help="also the project under bf16 autocast")
    p.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                   help="rates per CPU second of this process (default: steadier on a shared machine; with one "
                        "thread the same as wall-clock on an idle one) or per wall-clock second")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    load0 = os.getloadavg()[0]
    print(f"torch {torch.__version__}, {args.threads} thread(s), {os.cpu_count()} cores, load {load0:.2f}; "
          f"{args.rounds} rounds x {args.chunk} steps per contender", flush=True)
    rows = []
    for family in args.families.split(","):
        contenders = {"plain": lambda f=family: Plain(f), "plain+": lambda f=family: Plain(f, strong=True),
                      "project": lambda f=family: Project(f, args.chunk)}
        if args.bf16:
            contenders["project bf16"] = lambda f=family: Project(f, args.chunk, Engine(precision="bf16"))
        if args.levers:
            contenders.update(lever_contenders(family, args.chunk))
        t0 = time.perf_counter()
        wall, cpu = measure(contenders, args.rounds, args.chunk, warmup=args.chunk)
        rates = cpu if args.clock == "cpu" else wall
        med = {k: statistics.median(v) for k, v in rates.items()}
        med_wall = {k: statistics.median(v) for k, v in wall.items()}
        ratio = {k: statistics.median(a / b for a, b in zip(v, rates["plain"])) for k, v in rates.items()}
        ratio_p = {k: statistics.median(a / b for a, b in zip(rates["project"], v)) for k, v in rates.items()}
        b = RECIPES[family]["batch_size"]
        print(f"\n{family} (batch {b}, {RECIPES[family]['img_size']} px; {time.perf_counter() - t0:.0f} s, "
              f"load {os.getloadavg()[0]:.2f}); steps per {args.clock} second, [wall-clock steps/s]", flush=True)
        for k in rates:
            extra = f"   project / this {ratio_p[k]:.2f}x" if k not in ("plain", "project") else ""
            print(f"  {k:15s} {med[k]:7.2f} [{med_wall[k]:6.2f}]  {ratio[k]:5.2f}x plain{extra}", flush=True)
        rows.append((family, b, med["plain"], med["plain+"], med["project"], ratio["project"],
                     ratio_p["plain+"], med.get("project bf16"), ratio.get("project bf16")))
    unit = "steps/CPU-s" if args.clock == "cpu" else "steps/s"
    print(f"\n| family | batch | plain {unit} | plain+ {unit} | project {unit} | project / plain | "
          f"project / plain+ |" + (f" project bf16 {unit} | bf16 / plain |" if args.bf16 else ""))
    print("|---|---|---|---|---|---|---|" + ("---|---|" if args.bf16 else ""))
    for f, b, pl, pp, pr, r, rp, bf, rbf in rows:
        tail = f" {bf:.2f} | {rbf:.2f}x |" if args.bf16 else ""
        print(f"| {f} | {b} | {pl:.2f} | {pp:.2f} | {pr:.2f} | **{r:.2f}x** | {rp:.2f}x |{tail}")
    print(f"\nload average at start {load0:.2f}, at end {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
