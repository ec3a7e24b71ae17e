#include "common/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "common/hex.h"

namespace wasmfaas {
namespace {

std::string digest_hex(const EVP_MD* md, const void* data, size_t size) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_size = 0;
  if (EVP_Digest(data, size, out, &out_size, md, nullptr) != 1) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  return hex_encode(std::string_view(reinterpret_cast<const char*>(out), out_size));
}

}  // namespace

std::string md5_hex(std::span<const uint8_t> data) {
  return digest_hex(EVP_md5(), data.data(), data.size());
}

std::string sha256_hex(std::span<const uint8_t> data) {
  return digest_hex(EVP_sha256(), data.data(), data.size());
}

std::string sha256_hex(std::string_view text) {
  return digest_hex(EVP_sha256(), text.data(), text.size());
}

std::vector<uint8_t> random_bytes(size_t count) {
  std::vector<uint8_t> bytes(count);
  if (RAND_bytes(bytes.data(), static_cast<int>(count)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  return bytes;
}

std::vector<uint8_t> hmac_sha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  std::vector<uint8_t> mac(EVP_MAX_MD_SIZE);
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
           mac.data(), &size) == nullptr) {
    throw std::runtime_error("OpenSSL HMAC failed");
  }
  mac.resize(size);
  return mac;
}

bool constant_time_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(size_t count) {
  std::vector<unsigned char> bytes(count);
  if (RAND_bytes(bytes.data(), static_cast<int>(count)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), count));
}

}  // namespace wasmfaas
