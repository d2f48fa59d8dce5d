# syntax=docker/dockerfile:1
# One image for every Vigil service; the command picks what runs:
#   vigil serve intake|triage|escalation|metrics    one service (distributed mode)
#   vigil db upgrade                                apply database migrations
#   vigil config validate --config-dir /etc/vigil   check the configuration
#   vigil run                                       all four in one process (embedded)

# --- build: a wheel of Vigil and a virtualenv with it and its dependencies ---------------
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
 && python -m venv /opt/vigil \
 && /opt/vigil/bin/pip install /wheels/*.whl \
 && /opt/vigil/bin/vigil config validate --help > /dev/null

# --- runtime: the virtualenv only; no compiler, no sources, no pip cache, not root -------
FROM python:3.11-slim AS runtime
LABEL org.opencontainers.image.title="Vigil" \
      org.opencontainers.image.description="Open triage and escalation platform"
RUN groupadd --system --gid 10001 vigil \
 && useradd --system --uid 10001 --gid vigil --home-dir /home/vigil --create-home vigil
COPY --from=build /opt/vigil /opt/vigil
ENV PATH=/opt/vigil/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIGIL_HOST=0.0.0.0 \
    VIGIL_DATA_DIR=/home/vigil/data
USER 10001:10001
WORKDIR /home/vigil
EXPOSE 8001 8002 8003 8004
CMD ["vigil", "run"]
