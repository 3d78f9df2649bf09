"""Builds Marian models for tests and benchmarks, offline: random ones and a tiny trained one."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

DATA = Path(__file__).parent / "data"
CORPUS = DATA / "corpus.tsv"


def corpus_pairs() -> list[tuple[str, str]]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line]  # type: ignore[misc]


def train_vocab(directory: Path, texts: list[str], vocab_size: int) -> list[str]:
    """Train a sentencepiece model on `texts`; write source.spm, target.spm and vocab.json."""
    import sentencepiece as spm

    directory.mkdir(parents=True, exist_ok=True)
    prefix = directory / "spm"
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=f"{prefix}.model")
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    pieces.append("<pad>")
    shutil.copy(f"{prefix}.model", directory / "source.spm")
    shutil.copy(f"{prefix}.model", directory / "target.spm")
    (directory / "vocab.json").write_text(json.dumps({p: i for i, p in enumerate(pieces)}), encoding="utf-8")
    for leftover in (f"{prefix}.model", f"{prefix}.vocab"):
        Path(leftover).unlink()
    return pieces


def build_model(
    directory: Path,
    *,
    d_model: int = 16,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 32,
    vocab_size: int | None = None,
    num_beams: int = 4,
    seed: int = 0,
    texts: list[str] | None = None,
    spm_size: int = 120,
):
    """Save a random MarianMTModel and MarianTokenizer into `directory` and return the model.

    With `vocab_size` larger than the sentencepiece vocabulary (the full opus-mt shape uses
    67028), the embedding is padded with unused ids so the arithmetic matches the real model.
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    if texts is None:
        texts = [t for pair in corpus_pairs() for t in pair]
    pieces = train_vocab(directory, texts, spm_size)
    size = vocab_size or len(pieces)
    if vocab_size:
        vocab = {p: i for i, p in enumerate(pieces[:-1])}
        vocab.update({f"▁x{i}": i for i in range(len(vocab), size - 1)})  # stand-ins, as many as the real one
        vocab["<pad>"] = size - 1
        (directory / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    pad = size - 1
    config = MarianConfig(
        vocab_size=size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=512,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(
        num_beams=num_beams,
        max_length=512,
        bad_words_ids=[[pad]],
        forced_eos_token_id=0,
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
    )
    model.save_pretrained(directory)
    tokenizer = MarianTokenizer(
        str(directory / "source.spm"),
        str(directory / "target.spm"),
        str(directory / "vocab.json"),
        source_lang="nl",
        target_lang="en",
    )
    tokenizer.save_pretrained(directory)
    return model


def build_opus_shaped(directory: Path):
    """A random model with exactly the shape of opus-mt-nl-en (for speed figures)."""
    return build_model(
        directory, d_model=512, layers=6, heads=8, ffn=2048, vocab_size=67028, num_beams=6, spm_size=500
    )


def trained_model(cache: Path, steps: int = 1500) -> Path:
    """A 2-layer Marian trained on the shipped corpus; cached by corpus and recipe hash."""
    source = CORPUS.read_bytes() + Path(__file__).read_bytes()  # the corpus and the code that trains on it
    recipe = f"{steps}-" + hashlib.sha256(source).hexdigest()[:16]
    directory = cache / f"trained-{recipe}"
    if (directory / "config.json").exists():
        return directory
    import torch

    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"tmp-{recipe}-", dir=cache))  # two test runs may build at once
    pairs = corpus_pairs()
    model = build_model(tmp, d_model=128, layers=2, heads=4, ffn=256, num_beams=4, spm_size=200)
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(tmp)
    torch.manual_seed(0)
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    generator = torch.Generator().manual_seed(0)
    for _ in range(steps):
        batch = [pairs[i] for i in torch.randint(len(pairs), (32,), generator=generator).tolist()]
        inputs = tokenizer(
            [s for s, _ in batch], text_target=[t for _, t in batch], padding=True, return_tensors="pt"
        )
        inputs["labels"][inputs["labels"] == tokenizer.pad_token_id] = -100
        loss = model(**inputs).loss
        loss.backward()
        optimiser.step()
        optimiser.zero_grad()
    model.eval()
    model.save_pretrained(tmp)
    if (directory / "config.json").exists():  # another run finished first: keep its copy
        shutil.rmtree(tmp, ignore_errors=True)
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    tmp.rename(directory)
    return directory


def redeclared(model: Path, directory: Path, source: str, target: str) -> Path:
    """A copy of `model` whose tokenizer says it translates `source` to `target`."""
    for file in model.iterdir():
        if file.name != "tokenizer_config.json":
            shutil.copy2(file, directory / file.name)
    config = json.loads((model / "tokenizer_config.json").read_text(encoding="utf-8"))
    config.update(source_lang=source, target_lang=target)
    (directory / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return directory
