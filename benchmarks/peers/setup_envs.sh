#!/usr/bin/env bash
# Create one virtual environment per peer library for benchmarks/bench_peers.py.
#
# Idempotent: an environment whose pins are already installed is left as it is; change a pin
# below and the next run rebuilds that environment. Environments live under
# $NGFF_ZARR_BENCH_VENVS (default ~/.cache/ngff-zarr-bench/venvs), one folder per peer.
#
#   bash benchmarks/peers/setup_envs.sh            # every peer
#   bash benchmarks/peers/setup_envs.sh ngio       # only the named peers
#
# The pins are the newest releases that install on Python 3.11 when this was written.
# ngff-zarr 0.50.0 shares our import name, which is why every peer gets its own environment
# and none of them is installed next to this checkout.
set -euo pipefail

PYTHON="${NGFF_ZARR_BENCH_PYTHON:-python3}"
VENVS="${NGFF_ZARR_BENCH_VENVS:-$HOME/.cache/ngff-zarr-bench/venvs}"
# psutil measures memory in every worker.
COMMON="psutil==7.2.2"

declare -A PINS=(
  [ngio]="ngio==1.1.3"
  [ome_zarr]="ome-zarr==0.18.0"
  # dask-image gives 0.50 its label-safe DASK_IMAGE_MODE method (W5)
  [ngff_zarr050]="ngff-zarr[dask-image]==0.50.0 dask-image==2026.5.0"
  # the W3 reference: tensorstore reading the store directly
  [tensorstore]="tensorstore==0.1.86 numpy==2.4.6"
)

peers=("$@")
if [ ${#peers[@]} -eq 0 ]; then
  peers=(ngio ome_zarr ngff_zarr050 tensorstore)
fi

mkdir -p "$VENVS"
for peer in "${peers[@]}"; do
  if [ -z "${PINS[$peer]+x}" ]; then
    echo "unknown peer '$peer'; known: ${!PINS[*]}" >&2
    exit 2
  fi
  venv="$VENVS/$peer"
  want="${PINS[$peer]} $COMMON"
  stamp="$venv/.bench-pins"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "$peer: up to date ($want) in $venv"
    continue
  fi
  echo "$peer: installing $want into $venv"
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install -q $want 2> >(grep -v "^WARNING: Location" >&2)
  "$venv/bin/python" -m pip freeze > "$venv/.bench-freeze.txt"
  echo "$want" > "$stamp"
done
echo "peer environments: $VENVS"
