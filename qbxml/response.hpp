#pragma once
// QuickBooks' qbXML response documents (what the Web Connector passes to receiveResponseXML, and the
// Host/Company/Preferences answers in the first sendRequestXML's strHCPResponse).
//
// One message set (QBXMLMsgsRs) holds one *Rs per request, each with requestID, statusCode, statusSeverity,
// statusMessage and its Ret elements. parseResponse() turns it into plain structs; money becomes cents through a
// strict parser (no floating point). Text that is not UTF-8 (QuickBooks may send windows-1252) is read as
// Windows-1252. A document that is not well-formed XML, or not a qbXML response, throws ResponseError.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/money.hpp"

namespace settlebridge::qbxml {

/// The response is not well-formed XML or not a qbXML response (message says why, with the line when known).
class ResponseError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Severity { Info, Warn, Error };
std::string_view toString(Severity severity) noexcept;

/// One transaction Ret (SalesReceiptRet, CreditMemoRet, ARRefundCreditCardRet, TransferRet, ...).
struct TxnRet {
    std::string retType;  ///< element name, e.g. "SalesReceiptRet"
    std::string txnId;
    std::string editSequence;
    std::string txnNumber;
    std::string txnDate;
    std::string refNumber;
    std::string customerFullName;  ///< CustomerRef/FullName
    std::optional<common::Cents> totalAmount;  ///< TotalAmount (for a TransferRet: Amount; a DepositRet: DepositTotal)
    std::optional<common::Cents> creditRemaining;  ///< CreditMemoRet
    std::string memo;
    std::string externalGuid;
    std::string depositToAccount;    ///< SalesReceiptRet, DepositRet DepositToAccountRef/FullName
    std::string refundFromAccount;   ///< ARRefundCreditCardRet RefundFromAccountRef/FullName
    std::string transferFromAccount; ///< TransferRet
    std::string transferToAccount;   ///< TransferRet
    struct AppliedTo {
        std::string txnId;
        std::optional<common::Cents> refundAmount;
    };
    std::vector<AppliedTo> refundAppliedTo;  ///< ARRefundCreditCardRet RefundAppliedToTxnRet
};

/// One list entry Ret (Item*Ret, AccountRet, CustomerRet, ...).
struct ListRet {
    std::string retType;  ///< element name, e.g. "ItemNonInventoryRet", "AccountRet", "CustomerRet"
    std::string type;     ///< retType without "Ret": "ItemNonInventory", "Account", "Customer"
    std::string listId;
    std::string editSequence;
    std::string name;
    std::string fullName;
    bool isActive = true;      ///< IsActive (true when absent)
    std::string accountType;   ///< AccountRet AccountType ("Bank", "Income", ...)
    std::string currency;      ///< CurrencyRef/FullName (customers, accounts)
    bool isTaxable = false;    ///< SalesTaxCodeRet IsTaxable
    std::string description;   ///< SalesTaxCodeRet Desc
    std::string currencyCode;  ///< CurrencyRet CurrencyCode ("CAD")
    std::string exchangeRate;  ///< CurrencyRet ExchangeRate as sent (a decimal; "" = the currency has no rate)
    std::string asOfDate;      ///< CurrencyRet AsOfDate (YYYY-MM-DD)
};

/// HostRet (HostQueryRs).
struct HostInfo {
    std::string productName;  ///< "QuickBooks Pro 2014"
    std::string majorVersion;
    std::string minorVersion;
    std::string country;
    std::vector<std::string> supportedVersions;  ///< SupportedQBXMLVersion, in document order ("1.0" ... "13.0")
};

/// PreferencesRet (PreferencesQueryRs): what posting needs.
struct PreferencesInfo {
    bool multicurrencyOn = false;
    std::string homeCurrency;          ///< MultiCurrencyPreferences/HomeCurrencyRef/FullName
    bool salesTaxOn = false;           ///< SalesTaxPreferences present (QuickBooks sends it only when sales tax is on)
    std::string defaultNonTaxableCode; ///< SalesTaxPreferences/DefaultNonTaxableSalesTaxCodeRef/FullName
    std::optional<std::string> closingDate;  ///< AccountingPreferences/ClosingDate (YYYY-MM-DD)
    bool isUsingClassTracking = false;
};

/// A private data extension on the company (the Web Connector's FileID and AppLock live here).
struct DataExt {
    std::string ownerId;
    std::string name;
    std::string value;
};

/// CompanyRet (CompanyQueryRs) basics.
struct CompanyInfo {
    std::string companyName;
    std::string legalCompanyName;
    std::string country;  ///< Address/Country
    std::vector<DataExt> dataExt;
};

/// ErrorRecovery block of an add response (qbXML error recovery).
struct ErrorRecoveryInfo {
    std::string listId;
    std::string txnId;
    std::string editSequence;
    std::string externalGuid;
};

/// One *Rs of the message set.
struct Response {
    std::string type;       ///< element name, e.g. "SalesReceiptAddRs"
    std::string requestId;  ///< echoed requestID ("" when absent)
    int statusCode = 0;
    Severity severity = Severity::Info;
    std::string statusSeverity;  ///< as sent ("Info", "Warn", "Error")
    std::string statusMessage;
    std::optional<int> retCount;
    std::optional<int> iteratorRemainingCount;
    std::string iteratorId;
    std::vector<TxnRet> txns;
    std::vector<ListRet> lists;
    std::optional<HostInfo> host;
    std::optional<PreferencesInfo> preferences;
    std::optional<CompanyInfo> company;
    std::optional<ErrorRecoveryInfo> errorRecovery;

    bool ok() const noexcept { return statusCode == 0; }
    /// The first transaction Ret, or nullptr.
    const TxnRet* txn() const noexcept { return txns.empty() ? nullptr : &txns.front(); }
    /// The list entry with this full name (compared case-insensitively, as QuickBooks does), or nullptr.
    const ListRet* findList(std::string_view fullName) const noexcept;
};

/// The whole message set.
struct ResponseSet {
    std::vector<Response> responses;  ///< in document order
    std::optional<int> messageSetStatusCode;  ///< QBXMLMsgsRs messageSetStatusCode (error recovery)

    /// The response with this requestID, or nullptr.
    const Response* find(std::string_view requestId) const noexcept;
    /// The first response of this type (e.g. "HostQueryRs"), or nullptr.
    const Response* findType(std::string_view type) const noexcept;
};

/// Parses a qbXML response document. Throws ResponseError for malformed XML, a root other than QBXML, a missing
/// QBXMLMsgsRs, an *Rs without a numeric statusCode, or an amount that is not a qbXML amount.
ResponseSet parseResponse(std::string_view xml);

/// A qbXML amount (AMTTYPE: `[+-]?digits[.dd]`, at most 13 integer digits, exactly two decimals or none) as cents.
/// nullopt for anything else (no rounding, no floating point).
std::optional<common::Cents> parseAmountCents(std::string_view text) noexcept;

}  // namespace settlebridge::qbxml
