#pragma once
// Test support for the scale-out tests: three nodes (NodeCluster) behind
// HAProxy run with the shipped deploy/haproxy/haproxy.cfg, hello deployed
// and warmed on each node, load from vegeta, and a summary of its results.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/jobs_support.h"
#include "support/haproxy_process.h"
#include "support/node_cluster.h"
#include "support/vegeta.h"

namespace wasmfaas::testing::scale_out {

// hello's input and its whole output: any other body of a 200 is wrong.
inline constexpr char kHelloInput[] = R"({"name":"Cluster"})";
inline constexpr char kHelloOutput[] = R"({"result":"Hello Cluster, how are you?"})";
inline constexpr char kBucket[] = "scale";

// The name HAProxy gives node i (haproxy.cfg) and sets in X-Wasmfaas-Node.
inline std::string server_name(size_t node) { return "node" + std::to_string(node + 1); }

// Deploys `component` as `key` through node 0, then runs it once on every
// node directly: each one sees it and has it compiled before load starts.
inline void deploy_everywhere(NodeCluster& cluster, const std::string& key,
                              const std::string& component, const std::string& input,
                              const std::string& output) {
  auto admin = cluster.client(0);
  jobs::deploy(*admin, kBucket, key, component);
  for (size_t i = 0; i < cluster.size(); ++i) {
    const HttpResult result = cluster.client(i)->post("/exec/" + std::string(kBucket) + "/" + key,
                                                      input);
    EXPECT_EQ(result.status, 200) << "node " << i + 1 << ": " << result.body;
    EXPECT_EQ(result.body, output) << "node " << i + 1;
  }
}

// HAProxy with the deployment's configuration in front of the cluster,
// once its health checks see every node up.
inline std::unique_ptr<HaproxyProcess> start_balancer(const NodeCluster& cluster) {
  auto balancer = std::make_unique<HaproxyProcess>(
      std::filesystem::path(WASMFAAS_SOURCE_DIR) / "deploy/haproxy/haproxy.cfg",
      cluster.addresses());
  for (size_t i = 0; i < cluster.size(); ++i) {
    EXPECT_TRUE(balancer->wait_for_status(server_name(i), "UP", std::chrono::seconds(10)))
        << server_name(i) << " never came up:\n" << balancer->log();
  }
  return balancer;
}

// POST /exec/<bucket>/hello through the balancer.
inline VegetaAttack::Request hello_through(const HaproxyProcess& balancer) {
  return {.method = "POST",
          .url = balancer.url() + "/exec/" + kBucket + "/hello",
          .headers = {{"Content-Type", "application/json"}},
          .body = kHelloInput};
}

// Polls HAProxy's stats until it has sent `count` requests to `server`
// ("BACKEND": to the nodes in all); false after `timeout`.
inline bool wait_for_requests(const HaproxyProcess& balancer, long count,
                              std::chrono::milliseconds timeout,
                              const std::string& server = "BACKEND") {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (balancer.requests_sent(server) < count) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// `component` with a custom section "wasmfaas-test" holding `marker`
// appended: bytes of their own (a SHA-256 no other upload has, nothing
// compiled under it yet) that run as the original does.
inline std::string with_marker(std::string component, const std::string& marker) {
  const auto append_leb128 = [](std::string& out, size_t value) {
    do {
      uint8_t byte = value & 0x7f;
      value >>= 7;
      if (value != 0) byte |= 0x80;
      out.push_back(static_cast<char>(byte));
    } while (value != 0);
  };
  const std::string name = "wasmfaas-test";
  std::string payload;
  append_leb128(payload, name.size());
  payload += name + marker;
  component.push_back('\0');  // custom section
  append_leb128(component, payload.size());
  return component + payload;
}

// What a run of hello under load came to.
struct LoadSummary {
  size_t sent = 0;
  size_t succeeded = 0;                  // 200 with hello's whole output
  size_t wrong_bodies = 0;               // 200 with anything else
  std::vector<const VegetaResult*> failed;  // everything but a right 200
  std::map<std::string, size_t> by_node;    // succeeded, by X-Wasmfaas-Node
};

inline bool succeeded(const VegetaResult& result) {
  return result.code == 200 && result.body == kHelloOutput;
}

inline LoadSummary summarize(const std::vector<VegetaResult>& results) {
  LoadSummary summary;
  summary.sent = results.size();
  for (const VegetaResult& result : results) {
    if (succeeded(result)) {
      ++summary.succeeded;
      ++summary.by_node[result.header("X-Wasmfaas-Node")];
      continue;
    }
    if (result.code == 200) ++summary.wrong_bodies;
    summary.failed.push_back(&result);
  }
  return summary;
}

// One line about a request, for failure messages.
inline std::string describe(const VegetaResult& result) {
  std::ostringstream line;
  line << "request at " << epoch_ms(result.start) << " ms, "
       << std::chrono::duration_cast<std::chrono::milliseconds>(result.latency).count()
       << " ms: " << result.code << " " << result.error << " "
       << result.body.substr(0, 200);
  return line.str();
}

}  // namespace wasmfaas::testing::scale_out
