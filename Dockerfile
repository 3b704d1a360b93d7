# One API for .NET: the SDK image builds the console and the server (scripts/build-image-root.sh, which tests also
# run outside a container); the runtime image runs them as a non-root user with its data in /data.
#
#   docker build -t one-api-dotnet .
#   docker run -d -p 3000:3000 -v /var/lib/oneapi:/data one-api-dotnet

FROM node:22-bookworm-slim AS node

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Node.js for the console's build (vite needs 20.19 or later, newer than the distribution's)
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
COPY . .
RUN rm -rf web/node_modules artifacts && scripts/build-image-root.sh /rootfs

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# ffprobe measures uploaded audio, which transcriptions are billed by
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /rootfs/app /app
RUN mkdir -p /data && chown 1654:1654 /data
# the image's unprivileged "app" user (uid 1654)
USER app
WORKDIR /data
# the server listens on PORT itself; the base image's ASPNETCORE_HTTP_PORTS would only add a warning;
# the GC's youngest generation is held to 16 MiB as run.sh does (README, "Memory under load")
ENV PORT=3000 SQLITE_PATH=/data/one-api.db ASPNETCORE_HTTP_PORTS=
EXPOSE 3000
VOLUME /data
ENTRYPOINT ["dotnet", "/app/OneApi.Server.dll"]
