# One image for every Vigil service; the command picks the service.
FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/vigil
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY services ./services
RUN /opt/vigil/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 vigil
COPY --from=build /opt/vigil /opt/vigil
ENV PATH=/opt/vigil/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    VIGIL_HOST=0.0.0.0 \
    VIGIL_DATA_DIR=/home/vigil/data
USER vigil
WORKDIR /home/vigil
EXPOSE 8001 8002 8003 8004
CMD ["vigil", "run"]
