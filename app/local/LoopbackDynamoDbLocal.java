/*
 * Starts DynamoDB Local listening on 127.0.0.1 only. DynamoDB Local has no option for the address it binds
 * (its Jetty server is created with a port alone, which binds every interface), and it accepts any
 * credentials, so on a shared network anyone could read or change the tables. This launcher builds the
 * server exactly as DynamoDB Local's own main does (same command-line options), sets the host of its
 * Jetty connector to the loopback address before it starts, and starts it. Should a DynamoDB Local release
 * rename what this reaches into, the launcher fails at start instead of listening on every interface.
 *
 * Run in Java's source-file mode (no build step): java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java ...
 */
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server server = (Server) serverField.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local created no connector");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
  }
}
