package dev.dmsflow.controller.engine.dms;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.util.List;
import java.util.UUID;

/**
 * A stub of the AWS DMS JSON 1.1 API ({@code X-Amz-Target: AmazonDMSv20160101.<Operation>}) whose tasks the test walks
 * through their states. Newer stubs win in WireMock, so setting a task's status replaces the previous answer.
 */
public final class DmsStub {

    public static final String TARGET = "X-Amz-Target";
    public static final String PREFIX = "AmazonDMSv20160101.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WireMockExtension wireMock;

    public DmsStub(WireMockExtension wireMock) {
        this.wireMock = wireMock;
        wireMock.stubFor(operation("StartReplicationTask").willReturn(ok("{\"ReplicationTask\":{}}")));
        wireMock.stubFor(operation("StopReplicationTask").willReturn(ok("{\"ReplicationTask\":{}}")));
        wireMock.stubFor(operation("DeleteReplicationTask").willReturn(ok("{\"ReplicationTask\":{}}")));
    }

    public static MappingBuilder operation(String name) {
        return post(urlEqualTo("/")).withHeader(TARGET, equalTo(PREFIX + name));
    }

    public static ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", CONTENT_TYPE).withBody(body);
    }

    public static ResponseDefinitionBuilder error(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", CONTENT_TYPE)
                .withBody("{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    /** CreateReplicationTask for this identifier answers with a task that is creating. */
    public void acceptsCreate(String identifier, String arn, String migrationType) {
        wireMock.stubFor(operation("CreateReplicationTask").withRequestBody(containing("\"" + identifier + "\""))
                .willReturn(ok("{\"ReplicationTask\":" + task(identifier, arn, migrationType, "creating", 0, null, null) + "}")));
    }

    /** What DescribeReplicationTasks answers for the task from now on (by ARN or identifier). */
    public void status(String identifier, String arn, String migrationType, String status, int percent, String stopReason, String failure) {
        String body = "{\"ReplicationTasks\":[" + task(identifier, arn, migrationType, status, percent, stopReason, failure) + "]}";
        wireMock.stubFor(operation("DescribeReplicationTasks").withRequestBody(containing(arn)).willReturn(ok(body)));
        wireMock.stubFor(operation("DescribeReplicationTasks").withRequestBody(containing("\"" + identifier + "\"")).willReturn(ok(body)));
    }

    /**
     * DescribeReplicationTasks of the task answers these, one per call, in order (a WireMock scenario per call of
     * this method); afterwards {@link #status} answers again.
     */
    public void describeAnswers(String arn, List<ResponseDefinitionBuilder> answers) {
        String scenario = arn + "-" + UUID.randomUUID();
        for (int i = 0; i < answers.size(); i++) {
            wireMock.stubFor(operation("DescribeReplicationTasks").withRequestBody(containing(arn)).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i).willSetStateTo("answer-" + (i + 1))
                    .willReturn(answers.get(i)));
        }
    }

    /** A DescribeReplicationTasks answer with the task in this status. */
    public static ResponseDefinitionBuilder described(String identifier, String arn, String migrationType, String status, int percent) {
        return ok("{\"ReplicationTasks\":[" + task(identifier, arn, migrationType, status, percent, null, null) + "]}");
    }

    /** DescribeTableStatistics answers in two pages, the first row on the first page, the rest on the second. */
    public void statistics(String arn, List<Object[]> tables) {
        ArrayNode first = JSON.createArrayNode();
        ArrayNode rest = JSON.createArrayNode();
        for (int i = 0; i < tables.size(); i++) {
            Object[] t = tables.get(i);
            ObjectNode row = (i == 0 ? first : rest).addObject();
            row.put("SchemaName", (String) t[0]).put("TableName", (String) t[1]).put("FullLoadRows", (Long) t[2])
                    .put("TableState", (String) t[3]).put("FullLoadStartTime", 1767225600.0).put("FullLoadEndTime", 1767225660.5);
        }
        wireMock.stubFor(operation("DescribeTableStatistics").withRequestBody(containing(arn))
                .willReturn(ok("{\"TableStatistics\":" + first + ",\"Marker\":\"page-2\"}")));
        wireMock.stubFor(operation("DescribeTableStatistics").withRequestBody(containing(arn)).withRequestBody(containing("page-2"))
                .willReturn(ok("{\"TableStatistics\":" + rest + "}")));
    }

    /**
     * CloudWatch (AWS Query protocol, XML) answers GetMetricData with these latest CDC latencies, in seconds, on the
     * same stub server; {@code null} leaves a metric without datapoints.
     */
    public void cdcLatency(Double sourceSeconds, Double targetSeconds) {
        String body = "<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><GetMetricDataResult>"
                + "<MetricDataResults>" + series("source", sourceSeconds) + series("target", targetSeconds) + "</MetricDataResults>"
                + "</GetMetricDataResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetMetricDataResponse>";
        wireMock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=GetMetricData"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody(body)));
    }

    /** CloudWatch refuses GetMetricData (the role lacks cloudwatch:GetMetricData). */
    public void cdcLatencyDenied() {
        wireMock.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=GetMetricData"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml").withBody(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform"
                                + " cloudwatch:GetMetricData</Message></Error><RequestId>1</RequestId></ErrorResponse>")));
    }

    public List<LoggedRequest> cloudWatchRequests() {
        return wireMock.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=GetMetricData")));
    }

    private static String series(String id, Double value) {
        return "<member><Id>" + id + "</Id><Label>" + id + "</Label><Timestamps>" + (value == null ? "" : "<member>2026-11-30T12:00:00Z</member>")
                + "</Timestamps><Values>" + (value == null ? "" : "<member>" + value + "</member>") + "</Values><StatusCode>Complete</StatusCode></member>";
    }

    public List<LoggedRequest> requests(String operation) {
        return wireMock.findAll(postRequestedFor(urlEqualTo("/")).withHeader(TARGET, equalTo(PREFIX + operation)));
    }

    public static JsonNode body(LoggedRequest request) {
        try {
            return JSON.readTree(request.getBodyAsString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String task(String identifier, String arn, String migrationType, String status, int percent, String stopReason, String failure) {
        ObjectNode task = JSON.createObjectNode().put("ReplicationTaskIdentifier", identifier).put("ReplicationTaskArn", arn)
                .put("MigrationType", migrationType).put("Status", status);
        task.putObject("ReplicationTaskStats").put("FullLoadProgressPercent", percent);
        if (stopReason != null) {
            task.put("StopReason", stopReason);
        }
        if (failure != null) {
            task.put("LastFailureMessage", failure);
        }
        return task.toString();
    }
}
