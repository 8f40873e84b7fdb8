# Base images are pinned to exact versions, so that a rebuild of the same commit takes the same Maven and the same
# JDK/JRE instead of whatever 3.9 or 17 points at that day:
# - build: maven:3.9.12-eclipse-temurin-17, Maven 3.9.12 on Temurin JDK 17.0.18;
# - run: eclipse-temurin:17.0.18_8-jre-noble, Temurin JRE 17.0.18+8 on Ubuntu 24.04 "noble" (named in the tag, so
#   that a bump cannot change the OS unnoticed), the same Java update as the build's JDK.
# A tag of an official image is still rebuilt in place for security fixes of its OS packages: only a digest
# (FROM image:tag@sha256:..., from docker buildx imagetools inspect image:tag) fixes every byte; add one if that
# matters more than getting those fixes by rebuilding.
# To bump: take the newest tags of the same form from the Docker Hub pages of maven and eclipse-temurin
# (maven: <maven>-eclipse-temurin-17; eclipse-temurin: 17.0.<update>_<build>-jre-<ubuntu codename>), preferably
# with the same Java update in both, then build the image and check that it turns healthy.

# Build: the jar from the sources, with Maven and a JDK 17.
FROM maven:3.9.12-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src ./src
COPY routes ./routes
COPY application.yaml .
RUN mvn -B -ntp -q package -DskipTests

# Run: a JRE 17, a non-root user; the routes and application.yaml are in the jar. Mount an application.yaml at
# /app/application.yaml to override settings; edited routes with -v $PWD/routes:/app/routes
# -e CAMEL_MAIN_ROUTESINCLUDEPATTERN='file:/app/routes/*.yaml' (docs/configuration.md, "Routes").
# Nothing is installed into the runtime image: no build tool (Maven and the JDK stay in the build stage) and no
# HTTP client for the health check either (below).
FROM eclipse-temurin:17.0.18_8-jre-noble
RUN groupadd --system connector && useradd --system --gid connector --home /app connector
WORKDIR /app
COPY --from=build /build/target/hull-customerio-connector.jar /app/connector.jar
COPY src/main/docker/healthcheck.sh /app/healthcheck.sh
USER connector
# server.port (SERVER_PORT), 8080 unless set otherwise.
EXPOSE 8080
# Health: GET /actuator/health must answer 200 with "status":"UP". src/main/docker/healthcheck.sh does it with bash alone
# (its /dev/tcp), on the port the connector serves /actuator on: MANAGEMENT_SERVER_PORT when set
# (management.server.port: application.yaml sets none, so /actuator is on the application's port), else
# SERVER_PORT, else 8080. So docker run -e SERVER_PORT=9080 moves the health check along with the connector; a port
# set only in a mounted application.yaml or as --server.port=... is not seen: set it as SERVER_PORT instead, or
# override the check (docker run --health-cmd). Plain HTTP only (not server.ssl.*).
# Why not curl: the image would have to install it (or rely on the base image keeping it); why not a java check:
# the JRE has no jdk.compiler module, which "java HealthCheck.java" (the source launcher) needs, and a compiled
# class would be one more build step. bash is part of the Ubuntu base (run as "bash ...": /bin/sh is dash, which
# has no /dev/tcp).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD ["bash", "/app/healthcheck.sh"]
# JVM options (the java launcher reads JDK_JAVA_OPTIONS; replace them with docker run -e JDK_JAVA_OPTIONS=...):
# the serial collector and a small initial heap that grows as needed, which is what the JVM picks by itself in a
# container with one CPU or under 1792 MB, but not on a bigger host: there it takes G1 (~50 MB of its own next to
# a 256 MB heap) and commits 1/64 of the host's memory as initial heap. Syncing 100,000 users with a 256 MB heap
# these options peaked at 378-415 MB RSS (384-396 MB with MALLOC_ARENA_MAX below), the JVM's choice on a 2-CPU
# 24 GB host at 471-526 MB (docs/benchmarks.md).
# The heap is at most 60 % of the container's memory: the JVM needs ~120 MB beyond its heap.
ENV JDK_JAVA_OPTIONS="-XX:+UseSerialGC -Xms32m -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
# At most 2 glibc malloc arenas instead of 8 per CPU: the JIT compiler's working memory (malloc'ed, freed after
# each large compilation) then stays in fewer arenas: with the options above, 100,000 users peaked at 384-396 MB
# of RSS instead of 392-415 MB (docs/benchmarks.md item 5). The JVM's heap and thread stacks are not malloc'ed.
ENV MALLOC_ARENA_MAX=2
# The working directory is /app: Spring Boot reads ./application.yaml there too, if one is mounted.
ENTRYPOINT ["java", "-jar", "/app/connector.jar"]
