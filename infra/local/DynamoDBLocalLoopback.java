import java.lang.reflect.Field;
import java.util.Arrays;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on one address only. Its command line has no bind option: its
 * Jetty server is built with {@code new Server(port)}, whose connector listens on every interface.
 * This builds the server from the usual options, sets the connector's host before the start, and
 * fails (rather than listen everywhere) if a later release changes that structure.
 *
 * <p>Run in single-file source mode, with DynamoDBLocal.jar on the class path:
 * {@code java -cp DynamoDBLocal.jar DynamoDBLocalLoopback.java 127.0.0.1 -port 8000 -inMemory}.
 */
public class DynamoDBLocalLoopback {
  public static void main(String[] args) throws Exception {
    String host = args[0];
    DynamoDBProxyServer proxy =
        ServerRunner.createServerFromCommandLineArgs(Arrays.copyOfRange(args, 1, args.length));
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost(host);
    proxy.start();
  }
}
