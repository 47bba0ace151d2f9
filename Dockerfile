# The Panoptic runner image: the `panoptic` command with Chromium, ffmpeg (video) and Xvfb.
#
#   docker build -t panoptic .
#   docker run --rm -v "$PWD:/work" -w /work panoptic run suite/ -o panoptic-results/ci
#
# Web suites run headless in Debian's Chromium headless shell (`--headed` under xvfb-run: the full Chromium);
# `panoptic doctor` lists what is there.
FROM python:3.12-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium chromium-headless-shell fonts-liberation ffmpeg xvfb xauth tesseract-ocr \
 && rm -rf /var/lib/apt/lists/*

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

COPY . /src
RUN pip install --no-cache-dir "/src[desktop,lsp]" && rm -rf /src && panoptic --version

WORKDIR /work
ENTRYPOINT ["panoptic"]
CMD ["--help"]
