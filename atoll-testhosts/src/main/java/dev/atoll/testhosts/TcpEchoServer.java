package dev.atoll.testhosts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A tiny TCP server that echoes every line back: something to listen on a host's address when a test needs to check
 * reachability without ping. Start it with {@code host.start(JavaCommand.of(TcpEchoServer.class, address, port),
 * ...)}; it prints {@code listening on ADDRESS:PORT} once bound.
 */
public final class TcpEchoServer {
    private TcpEchoServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TcpEchoServer ADDRESS PORT");
            System.exit(2);
        }
        InetAddress address = InetAddress.getByName(args[0]);
        int port = Integer.parseInt(args[1]);
        try (ServerSocket server = new ServerSocket(port, 50, address)) {
            System.out.println("listening on " + address.getHostAddress() + ":" + server.getLocalPort());
            System.out.flush();
            while (true) {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> echo(socket));
            }
        }
    }

    private static void echo(Socket socket) {
        try (socket;
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = socket.getOutputStream()) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // The client went away; nothing to clean up beyond the socket.
        }
    }
}
