"""Training tab: launch a small training of any family and watch it live.

The job runs in training.jobs.JobManager's background thread; this module only wires
widgets (training_view.py renders a job's snapshots, uploads.py says what a page may train on).
Every stream (the Start button's, a reloaded page's, an API client's) polls the job, so closing
the browser does not stop training and any page reattaches to it. The handlers take the app's
JobManager as their first argument (bound with functools.partial in build).
"""
from __future__ import annotations

import functools
import inspect
import os
import shutil
from pathlib import Path

import gradio as gr

from training import jobs as J
from training.datasets import DATASETS as NAMED_DATASETS
from training.datasets.folder import EXTENSIONS, DatasetError
from training.engine import PRECISIONS, available_devices
from training.families import TRAINERS, get_trainer_class
from training.losses import LOSSES

from .. import hub
from . import uploads
from .common import TabContext, browser_key, explain, friendly, user_error
from .training_view import curves, dataset_preview, plot_value, progress_html, status_text, warnings_md

TITLE = "Training"

EXPLANATION = r"""
**What you see.** Every *sample interval* steps the generator draws the same fixed noise vectors, so the grid
shows one set of images sharpening over time. The curves are the losses; $D(x)$ and $D(G(z))$ are the
discriminator's average belief that real and generated images are real: at the game's equilibrium both sit near ½.

**The objective** (Goodfellow et al. 2014): $\min_G \max_D\ \mathbb E_x[\log D(x)] + \mathbb E_z[\log(1-D(G(z)))]$.
*Non-saturating*: G maximises $\log D(G(z))$ instead. *Hinge* (Lim & Ye 2017; Miyato et al. 2018):
$L_D = \mathbb E[\max(0, 1-D(x))] + \mathbb E[\max(0, 1+D(G(z)))]$, $L_G = -\mathbb E[D(G(z))]$.
*Least squares* (Mao et al. 2017): $L_D = \tfrac12\mathbb E[(D(x)-1)^2] + \tfrac12\mathbb E[D(G(z))^2]$.
*WGAN-GP* (Gulrajani et al. 2017): a critic with $L_D = \mathbb E[D(G(z))] - \mathbb E[D(x)]
+ 10\,\mathbb E[(\lVert\nabla D(\hat x)\rVert_2 - 1)^2]$.

**Two learning rates** (TTUR, Heusel et al. 2017) let D learn faster or slower than G.
**Spectral norm** (Miyato et al. 2018) divides each D weight by its largest singular value, keeping D smooth.

**Device.** *auto* trains on a GPU when the machine has one (in bf16 or fp16 mixed precision), else on the CPU
in fp32; `gan-studio train --device ... --precision ...` runs the same engine from a terminal, also on several
processes or machines (`--nproc`, `torchrun`).

**Warnings.** If D's loss sits near 0, D wins outright and G gets no useful gradient. If the samples become
far less different from each other than real images are (mean pairwise distance), G has *mode collapsed*.
Neither is judged in the first 500 steps, when even a healthy run looks like that.
A NaN or exploding loss stops the job: the status says which checkpoint (saved every *checkpoint interval*
steps) is kept, and no model is exported from a run that diverged.

**Sharing.** One job runs at a time. Every page sees it; only the page that started it can pause, resume or stop it.
"""

LABELS = {"mnist": "MNIST digits (shipped 10k, or your downloaded 60k)",
          "mnist-train": "MNIST without the 2,000 digits held out for evaluation", "landscapes": "Synthetic landscapes",
          "faces": "Synthetic faces", "summer2winter": "Unpaired summer/winter landscapes"}
DATASETS = [(LABELS.get(n, n), n) for n in NAMED_DATASETS] + [
    ("MNIST: download the 60k training set", "mnist-download"), ("Your images (upload below)", "upload")]
KNOWN = {v for _, v in DATASETS}


def _streaming(fn):
    """`friendly` for generators: expected failures become a message, the server stays up."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            yield from fn(*args, **kwargs)
        except J.JobBusy as e:
            raise user_error(ValueError(str(e)), fn.__name__, 10) from None
        except Exception as e:
            raise user_error(e, fn.__name__, 10) from None
    return wrapper


def bind_jobs(fn, jobs: J.JobManager):
    """fn(jobs, ...) as a handler of its other parameters. Unlike functools.partial, Gradio still reads its
    type hints (it hands a gr.Request to the parameter annotated so: who sent the event) and sees whether
    it streams."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def bound(*args, **kwargs):
            yield from fn(jobs, *args, **kwargs)
    else:
        @functools.wraps(fn)
        def bound(*args, **kwargs):
            return fn(jobs, *args, **kwargs)
    sig = inspect.signature(fn)
    bound.__signature__ = sig.replace(parameters=list(sig.parameters.values())[1:])
    return bound


def family_defaults(family: str) -> dict:
    d = dict(get_trainer_class(family).DEFAULTS)
    d.setdefault("spectral_norm", False)
    return d


def dataset_choices(extra: str | None = None) -> list:
    return DATASETS + ([(extra, extra)] if extra and extra not in KNOWN else [])


@functools.lru_cache(maxsize=16)
def _preview(dataset: str, img_size: int):
    """Named sets and uploads (whose paths are unique per upload) are decoded once for their preview."""
    return dataset_preview(dataset, img_size)


def _current_dataset(jobs: J.JobManager | None) -> str | None:
    job = jobs.current if jobs is not None else None
    return str(job.spec.dataset) if job is not None and job.spec.dataset else None


def preview(family, dataset, upload, jobs: J.JobManager | None = None):
    """(grid of a few training images, description) for the chosen dataset; problems become the description.
    Only what this page may train on is shown (uploads.dataset_source)."""
    size = int(family_defaults(family).get("img_size") or 32)
    try:
        if dataset == "upload" and not upload:
            return None, "Upload a .zip or a folder of images below."
        if dataset == "mnist-download":
            image, desc = _preview("mnist", size)
            desc += " (preview; the 60k training split is downloaded when you press Start)"
        else:
            name, _ = uploads.dataset_source(dataset, upload, _current_dataset(jobs))
            image, desc = _preview(name, size)
        return image, f"**Training data:** {LABELS.get(desc, desc)}"
    except Exception as e:
        return None, f"**Cannot use this dataset:** {e}"


def prepare_upload(files, family, jobs: J.JobManager | None = None):
    """Uploaded zip or image files -> a validated dataset path (kept in the user's gr.State).
    Gathered folders older than a day are pruned first (never the running job's)."""
    job = jobs.current if jobs is not None else None
    uploads.prune_uploads(keep={str(job.spec.dataset)} if job is not None and job.spec.dataset else set())
    paths = [str(getattr(f, "name", f)) for f in (files if isinstance(files, list) else [files]) if f]
    if not paths:
        return None, gr.skip(), None, "Upload a .zip or a folder of images."
    if len(paths) == 1 and paths[0].lower().endswith(".zip"):
        path = uploads.keep_zip(paths[0])       # out of Gradio's shared cache, into this studio's uploads
        dest = Path(path).parent
    else:                                       # gradio stores each file apart: gather them in one folder
        dest = uploads.new_upload_dir()
        for i, p in enumerate(x for x in paths if x.lower().endswith(EXTENSIONS)):
            shutil.copyfile(p, dest / f"{i:05d}_{Path(p).name}")
        path = str(dest)
    try:
        image, desc = _preview(path, int(family_defaults(family).get("img_size") or 32))   # validates it
    except DatasetError as e:
        shutil.rmtree(dest, ignore_errors=True)
        return None, gr.skip(), None, f"**Cannot use this upload:** {e}"
    return path, "upload", image, f"**Training data:** {desc}"


def ui_frames(jobs: J.JobManager, job):
    """What the page shows of `job`, each time it changes, until it ends (the page never slows training)."""
    shown = None
    for view in jobs.watch(job):
        png = job.samples_file()
        yield (png if png != shown else gr.skip(), plot_value(curves(view)),
               plot_value(curves(view, probabilities=True)),
               progress_html(view), warnings_md(view), status_text(view), view.model or gr.skip())
        shown = png


def launch(jobs: J.JobManager, family, dataset, upload, steps, batch_size, lr_g, lr_d, loss, sample_every, seed,
           spectral_norm=None, run_name="", resume=False, checkpoint_every=None, owner=None, device="auto",
           precision="auto"):
    name, kwargs = uploads.dataset_source(dataset, upload, _current_dataset(jobs))
    spec = J.make_spec(family, name, steps, batch_size, lr_g, lr_d, loss, sample_every, seed, spectral_norm,
                       checkpoint_every, device, precision)
    return jobs.start(spec, name=run_name or None, resume=bool(resume), owner=owner, **kwargs)


def _who(key, request: gr.Request | None) -> tuple:
    """The identities a request carries: the page's key (kept in its browser) and its Gradio session."""
    return (key or None, getattr(request, "session_hash", None))


@_streaming
def start_ui(jobs: J.JobManager, family, dataset, upload, steps, batch_size, lr_g, lr_d, loss, spectral_norm, seed,
             sample_every, checkpoint_every, run_name, resume, device, precision, key, request: gr.Request = None):
    owner = key or getattr(request, "session_hash", None)
    yield from ui_frames(jobs, launch(jobs, family, dataset, upload, steps, batch_size, lr_g, lr_d, loss,
                                      sample_every, seed, spectral_norm, run_name, resume, checkpoint_every, owner,
                                      device, precision))


@_streaming
def train_start(jobs: J.JobManager, family, dataset, steps, batch_size, lr, loss, sample_every, seed,
                checkpoint_every=500, request: gr.Request = None):
    """/train_start: streams (samples, losses table, status text) until the job ends. The job belongs to this
    client (its session): only it can stop it with /train_stop."""
    job = launch(jobs, family, dataset, None, steps, batch_size, lr, lr, loss, sample_every, seed,
                 checkpoint_every=checkpoint_every, owner=getattr(request, "session_hash", None))
    for view in jobs.watch(job):
        yield job.samples_file(), curves(view), status_text(view)


FORM_FIELDS = ("family", "dataset", "steps", "batch_size", "lr_g", "lr_d", "loss", "spectral_norm", "seed",
               "sample_every", "checkpoint_every", "device", "precision")


def job_form(job) -> tuple:
    """The form as the running job was started (a reloaded page showed the defaults instead)."""
    if job is None or job.state in J.TERMINAL:
        return tuple(gr.skip() for _ in FORM_FIELDS) + (gr.skip(),)
    spec = job.spec
    dataset = spec.dataset if spec.dataset in KNOWN else str(spec.dataset)
    return (spec.family, gr.Dropdown(choices=dataset_choices(dataset), value=dataset), spec.steps, spec.batch_size,
            spec.lr_g, spec.lr_d, spec.loss, spec.spectral_norm, spec.seed, spec.sample_every, spec.checkpoint_every,
            spec.device, spec.precision, job.name)


def reattach(jobs: J.JobManager):
    """A page (re)loads or presses Watch: it follows the current job, its form filled in as the job was started."""
    job = jobs.current
    form = job_form(job)
    if job is None:
        yield (None, None, None, "", "", status_text(None), gr.skip()) + form
        return
    skip = tuple(gr.skip() for _ in form)
    for i, frame in enumerate(ui_frames(jobs, job)):
        yield frame + (form if i == 0 else skip)


def train_status(jobs: J.JobManager) -> str:
    """/train_status: the status text of the current or last job."""
    return status_text(jobs.view())


def _control(jobs: J.JobManager, action: str, who: tuple, page: bool) -> str:
    """Pause, resume or stop for the page or client that started the job. Anyone else is told why not: a page
    in a message box (its status box keeps showing the watched job), a script in the text."""
    try:
        return status_text(getattr(jobs, action)(who=who))
    except J.NotOwner as e:
        if page:
            gr.Warning(str(e), duration=10)
            return gr.skip()
        return f"{e}\n\n{status_text(jobs.view())}"


def train_stop(jobs: J.JobManager, request: gr.Request = None) -> str:
    """/train_stop: stop the job this client started (its checkpoint and model are kept) and say where it ended."""
    view = jobs.view()
    if view is None or view.state in J.TERMINAL:
        return "No training job is running. " + status_text(view)
    return _control(jobs, "stop", _who(None, request), page=False)


def stop_ui(jobs: J.JobManager, key, request: gr.Request = None) -> str:
    view = jobs.view()
    if view is None or view.state in J.TERMINAL:
        return "No training job is running. " + status_text(view)
    return _control(jobs, "stop", _who(key, request), page=True)


def train_pause(jobs: J.JobManager, key=None, request: gr.Request = None) -> str:
    return _control(jobs, "pause", _who(key, request), page=True)


def train_resume(jobs: J.JobManager, key=None, request: gr.Request = None) -> str:
    return _control(jobs, "resume", _who(key, request), page=True)


@friendly
def push_model(model, repo_id):
    return push_to_hub(model, repo_id)


def fill(family):
    """A family was picked: its defaults in every field."""
    d = family_defaults(family)
    return (gr.Dropdown(choices=dataset_choices(d["dataset"]), value=d["dataset"]), d["steps"],
            d["batch_size"], d["lr_g"], d["lr_d"], d["loss"], d["sample_every"], d["spectral_norm"])


def build(ctx: TabContext) -> None:
    if ctx.jobs is None:
        ctx.jobs = J.JobManager()       # this app's training jobs (one at a time), shared by all its pages
    jobs = ctx.jobs
    bind = functools.partial
    families = sorted(TRAINERS)
    first = "dcgan" if "dcgan" in families else families[0]
    d = family_defaults(first)
    upload = gr.State(None)          # this user's validated upload (a zip or a folder path)
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            family = gr.Dropdown(families, value=first, label="Family", info="picking one fills in its defaults")
            dataset = gr.Dropdown(dataset_choices(d["dataset"]), value=d["dataset"], label="Dataset",
                                  allow_custom_value=True)
            with gr.Accordion("Your images", open=False):
                up_files = gr.File(label="A .zip, or several images", file_count="multiple",
                                   file_types=[".zip", "image"], type="filepath")
                up_dir = gr.File(label="…or a folder", file_count="directory", type="filepath")
            with gr.Row():
                steps = gr.Number(d["steps"], label="Steps", precision=0, minimum=1)
                batch_size = gr.Number(d["batch_size"], label="Batch size", precision=0, minimum=1)
            with gr.Row():
                lr_g = gr.Number(d["lr_g"], label="lr G", step=1e-5, minimum=0)
                lr_d = gr.Number(d["lr_d"], label="lr D", step=1e-5, minimum=0, info="TTUR: may differ from G's")
            loss = gr.Radio(list(LOSSES), value=d["loss"], label="Loss")
            spectral_norm = gr.Checkbox(d["spectral_norm"], label="Spectral norm on D")
            with gr.Row():
                seed = gr.Number(0, label="Seed", precision=0, minimum=0)
                sample_every = gr.Number(d["sample_every"], label="Sample every N steps", precision=0, minimum=1)
                checkpoint_every = gr.Number(500, label="Checkpoint every N steps", precision=0, minimum=1,
                                             info="what Resume and a diverged run fall back to")
            with gr.Row():
                device = gr.Dropdown(available_devices(), value="auto", label="Device", elem_id="train-device",
                                     info="auto: a GPU when there is one, else the CPU")
                precision = gr.Dropdown(list(PRECISIONS), value="auto", label="Precision", elem_id="train-precision",
                                        info="auto: fp32 (fastest for these small networks, also on a GPU); bf16: ~2x on CPUs with AMX")
            with gr.Row():
                run_name = gr.Textbox(label="Run name", placeholder="automatic", scale=2,
                                      info="also the saved model's name")
                resume = gr.Checkbox(False, label="Resume its checkpoint", scale=1)
            data_image = gr.Image(label="Data preview", type="pil", interactive=False, height=180, elem_id="train-data")
            data_desc = gr.Markdown()
        with gr.Column(scale=2):
            # the run's buttons above the samples and curves they start and stop (they were under the settings,
            # ~1400 px down: pressing Start scrolled the samples out of sight on a projector)
            with gr.Row():
                start = gr.Button("Start", variant="primary")
                pause = gr.Button("Pause")
                cont = gr.Button("Resume")
                stop = gr.Button("Stop", variant="stop")
                watch = gr.Button("Watch", min_width=60)
            progress = gr.HTML()
            warnings = gr.Markdown()
            samples = gr.Image(label="Samples from fixed noise", elem_classes=["pixelart"], elem_id="train-samples",
                               type="filepath", format="png", interactive=False, height=520)
            with gr.Row():
                loss_plot = gr.LinePlot(x="step", y="value", color="term", color_title="curve", label="Losses",
                                        height=280, elem_id="train-losses")
                prob_plot = gr.LinePlot(x="step", y="value", color="term", color_title="curve", height=280,
                                        label="D(x) vs D(G(z))", y_lim=[0, 1], elem_id="train-probs")
            status = gr.Textbox(label="Status", lines=5, interactive=False, elem_id="train-status")
            with gr.Row():
                push_name = gr.Textbox(label="Trained model", interactive=True, scale=2)
                repo = gr.Textbox(label="Hugging Face repo id", placeholder="you/model (default: your name/model)",
                                  scale=2)
                push = gr.Button("Push to the Hub", scale=1)
    explain(EXPLANATION)
    lr = gr.Number(2e-4, visible=False)      # the API's single learning rate
    api_checkpoint_every = gr.Number(500, visible=False, precision=0)
    key = ctx.key if ctx.key is not None else browser_key(ctx.demo)      # this browser's key: it owns its jobs

    ui_out = [samples, loss_plot, prob_plot, progress, warnings, status, push_name]
    start.click(bind_jobs(start_ui, jobs), [family, dataset, upload, steps, batch_size, lr_g, lr_d, loss, spectral_norm,
                                       seed, sample_every, checkpoint_every, run_name, resume, device, precision,
                                       key], ui_out,
                api_name="_train_start_ui", api_visibility="private", concurrency_limit=None, show_progress="minimal")
    pause.click(bind_jobs(train_pause, jobs), key, status, api_name="_train_pause", api_visibility="private",
                concurrency_limit=None)
    cont.click(bind_jobs(train_resume, jobs), key, status, api_name="_train_resume", api_visibility="private",
               concurrency_limit=None)
    stop.click(bind_jobs(stop_ui, jobs), key, status, api_name="_train_stop_ui", api_visibility="private",
               concurrency_limit=None)
    push.click(push_model, [push_name, repo], status, api_name="_train_push", api_visibility="private")
    family.input(fill, family, [dataset, steps, batch_size, lr_g, lr_d, loss, sample_every, spectral_norm],
                  api_name="_train_defaults", api_visibility="private")
    dataset.change(bind(preview, jobs=jobs), [family, dataset, upload], [data_image, data_desc],
                   api_name="_train_preview", api_visibility="private", trigger_mode="always_last")
    for widget, api in ((up_files, "_train_upload_files"), (up_dir, "_train_upload_dir")):
        widget.upload(bind(prepare_upload, jobs=jobs), [widget, family], [upload, dataset, data_image, data_desc],
                      api_name=api, api_visibility="private")

    # Named API endpoints (api.md)
    hidden = gr.Button(visible=False)
    hidden.click(bind_jobs(train_start, jobs), [family, dataset, steps, batch_size, lr, loss, sample_every, seed,
                                           api_checkpoint_every],
                 [samples, loss_plot, status], api_name="train_start", concurrency_limit=None)
    gr.api(bind_jobs(train_stop, jobs), api_name="train_stop", api_description=train_stop.__doc__,
           concurrency_limit=None)
    gr.api(bind_jobs(train_status, jobs), api_name="train_status", api_description=train_status.__doc__,
           concurrency_limit=None)

    form = [family, dataset, steps, batch_size, lr_g, lr_d, loss, spectral_norm, seed, sample_every, checkpoint_every,
            device, precision, run_name]
    ctx.on_show(bind_jobs(reattach, jobs), None, ui_out + form, api_name="_train_reattach", api_visibility="private",
                  concurrency_limit=None, show_progress="hidden")
    watch.click(bind_jobs(reattach, jobs), None, ui_out + form, api_name="_train_watch", api_visibility="private",
                concurrency_limit=None, show_progress="hidden")   # a job started elsewhere (API, another page)
    ctx.on_show(bind(preview, jobs=jobs), [family, dataset, upload], [data_image, data_desc],
                api_name="_train_preview_load", api_visibility="private")




def push_to_hub(model: str, repo_id: str = "") -> str:
    """Upload a trained model folder to the Hugging Face Hub; every failure is a sentence a user can act on."""
    if not model:
        raise ValueError("Train a model first: its name appears here when the job ends.")
    model = str(model).strip()
    folder = hub.user_models_dir() / model
    if not J.NAME_RE.match(model) or folder.parent != hub.user_models_dir() or not (folder / hub.CONFIG_NAME).is_file():
        raise ValueError(f"no trained model called {model[:80]!r} here: only the studio's trained models (their "
                         "names appear in the model lists) can be pushed")
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        raise ValueError("The studio runs offline (HF_HUB_OFFLINE is set): cannot push to the Hugging Face Hub.")
    import huggingface_hub

    token = huggingface_hub.get_token()
    if not token:
        raise ValueError("Not logged in to Hugging Face: run `hf auth login` (or set HF_TOKEN) where the studio "
                         "runs, then press Push again.")
    try:
        if not repo_id:
            repo_id = f"{huggingface_hub.whoami(token)['name']}/{model}"
        url = hub.push(folder, repo_id, token=token)
    except Exception as e:
        raise ValueError(f"Could not push to {repo_id or 'the Hub'} (offline, or no permission?): "
                         f"{type(e).__name__}: {e}") from None
    return f"Pushed {model} to {url}"
