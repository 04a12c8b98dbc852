#include "knowledge/vector_index.h"

#include <faiss/IndexHNSW.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <cstdio>
#include <filesystem>

namespace vigil {
namespace {

uint64_t Mix(int64_t id) {
  uint64_t x = static_cast<uint64_t>(id) + 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Search-time knobs that trade a little speed for recall on small k.
void Tune(faiss::Index* base, size_t k) {
  if (auto* h = dynamic_cast<faiss::IndexHNSW*>(base))
    h->hnsw.efSearch = std::max<int>(64, static_cast<int>(k) * 2);
  if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(base)) ivf->nprobe = std::min<size_t>(ivf->nlist, 16);
}

}  // namespace

uint64_t IdFingerprint(std::span<const int64_t> ids) {
  uint64_t sum = 0;
  for (int64_t id : ids) sum += Mix(id);
  return sum;
}

VectorIndex::VectorIndex(std::unique_ptr<faiss::Index> index, std::string spec, size_t dim)
    : index_(std::move(index)), spec_(std::move(spec)), dim_(dim) {}

static faiss::IndexIDMap2* Map(const std::unique_ptr<faiss::Index>& index) {
  return static_cast<faiss::IndexIDMap2*>(index.get());
}
VectorIndex::~VectorIndex() = default;

Result<std::unique_ptr<VectorIndex>> VectorIndex::Create(const std::string& spec, size_t dim) {
  if (spec.find("IDMap") != std::string::npos) {
    return InvalidArgumentError("kb_index `" + spec +
                                "`: leave IDMap out, ids are mapped by the knowledge base");
  }
  try {
    faiss::Index* base = faiss::index_factory(static_cast<int>(dim), spec.c_str(), faiss::METRIC_L2);
    auto map = std::make_unique<faiss::IndexIDMap2>(base);
    map->own_fields = true;
    return std::unique_ptr<VectorIndex>(
        new VectorIndex(std::unique_ptr<faiss::Index>(map.release()), spec, dim));
  } catch (const std::exception& e) {
    return InvalidArgumentError(
        "kb_index `" + spec +
        "` is not a FAISS index factory string (e.g. Flat, HNSW32, IVF256,Flat): " + e.what());
  }
}

Result<std::unique_ptr<VectorIndex>> VectorIndex::Load(const std::string& path, const std::string& spec,
                                                       size_t dim) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return NotFoundError("index file " + path + " does not exist");
  try {
    faiss::Index* raw = faiss::read_index(path.c_str());
    auto* map = dynamic_cast<faiss::IndexIDMap2*>(raw);
    if (!map) {
      delete raw;
      return DataLossError("index file " + path + " is not an id-mapped index");
    }
    std::unique_ptr<faiss::IndexIDMap2> owned(map);
    owned->own_fields = true;
    if (static_cast<size_t>(owned->d) != dim) {
      return DataLossError("index file " + path + " has dimension " + std::to_string(owned->d) +
                           ", expected " + std::to_string(dim));
    }
    return std::unique_ptr<VectorIndex>(
        new VectorIndex(std::unique_ptr<faiss::Index>(owned.release()), spec, dim));
  } catch (const std::exception& e) {
    return DataLossError("index file " + path + " is unreadable: " + e.what());
  }
}

Status VectorIndex::Add(std::span<const int64_t> ids, std::span<const float> vectors) {
  if (vectors.size() != ids.size() * dim_)
    return InternalError("VectorIndex::Add: vector count does not match ids");
  if (ids.empty()) return Status::Ok();
  auto* map = Map(index_);
  try {
    if (!map->is_trained) {
      faiss::Index* base = map->index;
      size_t need = 1;
      if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(base)) need = ivf->nlist;
      if (ids.size() < need) {
        return FailedPreconditionError("kb_index `" + spec_ + "` needs at least " + std::to_string(need) +
                                       " entries to train, have " + std::to_string(ids.size()) +
                                       "; use Flat or HNSW32 for small knowledge bases");
      }
      base->train(static_cast<faiss::Index::idx_t>(ids.size()), vectors.data());
      map->is_trained = base->is_trained;
    }
    map->add_with_ids(static_cast<faiss::Index::idx_t>(ids.size()), vectors.data(), ids.data());
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS add failed: ") + e.what());
  }
  return Status::Ok();
}

Result<std::vector<VectorIndex::Hit>> VectorIndex::Search(std::span<const float> query, size_t k) const {
  std::vector<Hit> hits;
  if (index_->ntotal == 0 || k == 0) return hits;
  if (query.size() != dim_) return InternalError("VectorIndex::Search: query has the wrong dimension");
  k = std::min<size_t>(k, static_cast<size_t>(index_->ntotal));
  std::vector<float> dist(k);
  std::vector<faiss::Index::idx_t> labels(k);
  try {
    Tune(Map(index_)->index, k);
    index_->search(1, query.data(), static_cast<faiss::Index::idx_t>(k), dist.data(), labels.data());
  } catch (const std::exception& e) {
    return InternalError(std::string("FAISS search failed: ") + e.what());
  }
  for (size_t i = 0; i < k; ++i) {
    if (labels[i] < 0) continue;
    hits.push_back({labels[i], 1.0f - dist[i] / 2.0f});
  }
  return hits;
}

Status VectorIndex::Save(const std::string& path) const {
  std::string tmp = path + ".tmp";
  try {
    faiss::write_index(index_.get(), tmp.c_str());
  } catch (const std::exception& e) {
    return InternalError("cannot write index " + tmp + ": " + e.what());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return InternalError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  return Status::Ok();
}

int64_t VectorIndex::size() const { return index_->ntotal; }

uint64_t VectorIndex::IdFingerprint() const {
  const auto& ids = Map(index_)->id_map;
  return vigil::IdFingerprint(std::span<const int64_t>(ids.data(), ids.size()));
}

}  // namespace vigil
