#!/bin/bash
# The image's HEALTHCHECK (Dockerfile): exit 0 when GET /actuator/health answers 200 with "status":"UP", 1 otherwise
# (port closed, no answer within 4 s, another status such as 503 while DOWN or OUT_OF_SERVICE).
#
# Bash alone, nothing installed for it: /dev/tcp is bash's own (not a file), so no curl or wget is needed in the
# runtime image. Plain HTTP/1.0, so the server closes the connection after its answer and the read below ends there.
#
# The port is the one the connector listens on for /actuator: management.server.port when set
# (MANAGEMENT_SERVER_PORT), else server.port (SERVER_PORT), else 8080, Spring's default and application.yaml's.
# Only the environment is seen here: a port set in a mounted application.yaml or as --server.port=... is not, so set
# it as SERVER_PORT (or MANAGEMENT_SERVER_PORT) instead, or give docker run --health-cmd of your own.
port="${MANAGEMENT_SERVER_PORT:-${SERVER_PORT:-8080}}"
exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
printf 'GET /actuator/health HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\n\r\n' >&3 || exit 1
answer=''
# read ends at the end of the answer (status 1) or after 4 s (status > 128); what it read is in answer either way.
IFS= read -r -d '' -t 4 answer <&3
exec 3<&-
# 200 on the status line, and the body's own status (Spring writes it first) UP, not a component's.
status_line='^HTTP/1\.[01] 200[^0-9]'
up=$'\r\n\r\n[{][[:space:]]*"status"[[:space:]]*:[[:space:]]*"UP"'
[[ ${answer} =~ ${status_line} && ${answer} =~ ${up} ]]
