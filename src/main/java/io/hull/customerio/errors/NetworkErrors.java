package io.hull.customerio.errors;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpException;

/**
 * A network failure in words, for a reason shown to a caller: error answers name no Java class. The class itself
 * is kept where operators count failures by kind (the {@code reason} tag of {@code customerio_retries_total}).
 */
public final class NetworkErrors {

    private NetworkErrors() {
    }

    public static String describe(Throwable e) {
        if (e instanceof UnknownHostException) {
            return "host not found";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof InterruptedIOException) {
            return "timed out";
        }
        if (e instanceof SSLException) {
            return "TLS failed";
        }
        if (e instanceof EOFException || e.getClass().getSimpleName().equals("NoHttpResponseException")) {
            return "the connection was closed without an answer";
        }
        if (e instanceof ConnectionClosedException) {
            return "the connection was closed before the end of the answer";
        }
        if (e instanceof HttpException) {
            return "the answer was not valid HTTP";
        }
        if (e instanceof SocketException) {
            return "the connection broke";
        }
        return "network error";
    }
}
