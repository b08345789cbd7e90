"""The document-search embedding model in the model catalog: listed, downloadable, never a chat model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from deskmate.core.models.catalog import load_catalog
from deskmate.core.models.download import Downloader, HubConfig, pull
from deskmate.core.models.registry import Registry, RegistryError, verify
from hub_standin import HubStandin, make_gguf

REPO, FILE = "CompendiumLabs/bge-small-zh-v1.5-gguf", "bge-small-zh-v1.5-q8_0.gguf"


def test_the_catalog_offers_a_chinese_and_english_embedding_model():
    entry = load_catalog().get("bge-small-zh-v1.5")
    assert (entry.kind, entry.repo, entry.file, entry.dimensions) == ("embedding", REPO, FILE, 512)
    assert set(entry.languages) == {"zh", "en"} and entry.license == "MIT"
    assert entry not in load_catalog().text  # never offered as a chat model
    assert load_catalog().embeddings == (entry,)


def test_it_downloads_as_an_embedding_model_and_cannot_become_the_chat_default(tmp_path):
    gguf = make_gguf(tmp_path / FILE, megabytes=1)
    hub = HubStandin()
    hub.add_file(REPO, FILE, gguf)
    with hub:
        reg = Registry(tmp_path / "models")
        model = pull("bge-small-zh-v1.5", downloader=Downloader(reg.root, HubConfig(endpoint=hub.url)), registry=reg)
    assert (model.kind, model.catalog_id, model.repo) == ("embedding", "bge-small-zh-v1.5", REPO)
    assert verify(model).ok
    with pytest.raises(RegistryError, match="is an embedding model; the default chat model must be a text"):
        reg.set_default(model.id)


def test_models_list_shows_it_with_its_kind(tmp_path):
    env = {**os.environ, "DESKMATE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "deskmate", "models", "list", "--json"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = {r["id"]: r for r in json.loads(out.stdout)["recommended"]}
    assert rows["bge-small-zh-v1.5"]["kind"] == "embedding" and rows["bge-small-zh-v1.5"]["fit"] == "fits"
