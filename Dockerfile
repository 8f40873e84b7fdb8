# Build: the jar from the sources, with Maven and a JDK 17.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline
COPY src ./src
RUN mvn -B -ntp -q package -DskipTests

# Run: a JRE 17, a non-root user, the routes and application.yaml beside the jar so a volume can
# replace them (docker run -v $PWD/routes:/app/routes ...).
FROM eclipse-temurin:17-jre
RUN groupadd --system connector && useradd --system --gid connector --home /app connector \
    && apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /build/target/hull-customerio-connector.jar /app/connector.jar
COPY application.yaml /app/application.yaml
COPY routes /app/routes
USER connector
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
  CMD curl -fsS http://localhost:8080/actuator/health || exit 1
# The working directory is /app: Spring Boot reads ./application.yaml, Camel loads ./routes/*.yaml.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/connector.jar"]
