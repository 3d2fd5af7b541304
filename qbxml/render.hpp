#pragma once
// qbXML 13.0 request documents for what a settlement summary posts to QuickBooks Desktop, and the queries and list
// adds the posting queue needs around them. See docs/QBXML.md for what is sent, in which order, and why.
//
// Every function returns one complete document holding one request:
//   <?xml version="1.0" encoding="utf-8"?>
//   <?qbxml version="13.0"?>
//   <QBXML><QBXMLMsgsRq onError="stopOnError"><XxxRq requestID="..."> ... </XxxRq></QBXMLMsgsRq></QBXML>
// Adds use onError="stopOnError"; queries use "continueOnError" (a query that finds nothing answers with a
// warning, which some Web Connector set-ups treat as a stop; with one request per document the two are otherwise
// the same). Elements follow the schema's sequences exactly; amounts have exactly two decimals; text goes through
// toQuickBooksText() (qbxml/text.hpp) and is escaped by tinyxml2; the finished document is printable ASCII, with
// Latin-1 characters as references (&#233;), since QuickBooks refuses any raw byte above 0x7F.
//
// Nothing invalid is ever rendered: a value QuickBooks would refuse (a name segment over 31 characters, a RefNumber
// over 11, a date that is not YYYY-MM-DD, an amount beyond 13 integer digits, a document without lines or with a
// negative total...) throws RenderError naming the field, before any XML exists. Memo and Desc longer than
// QuickBooks allows (4095) are cut with "…" instead, since their text is informative only.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/settlement/model.hpp"

namespace settlebridge::qbxml {

/// A value cannot be rendered as valid qbXML. `field()` names the qbXML element (e.g. "ItemRef/FullName").
class RenderError : public std::runtime_error {
public:
    RenderError(std::string field, const std::string& message);
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

/// What a company's documents need besides the summary itself.
struct RenderContext {
    std::string clearingAccount = "Amazon Clearing";  ///< bank-type account receipts deposit to and refunds leave
    /// SalesTaxCodeRef written on every line (and on items Settlebridge creates). Empty = no SalesTaxCodeRef at all,
    /// for a company file whose sales tax preference is off (PreferencesRet has no SalesTaxPreferences).
    std::string nonTaxableCode = "Non";
    int qbxmlMajor = 13;  ///< version in the <?qbxml?> instruction; 13.0 is the minimum (QuickBooks 2014)
    int qbxmlMinor = 0;
    bool multicurrency = false;  ///< the company file has multicurrency on (a customer may carry a CurrencyRef)
    /// Bank account the optional TransferAdd moves a positive deposit to; empty = no transfer.
    std::string transferToAccount;
    /// The customer the documents are made out to; empty = summary.customerName. In a multicurrency company file a
    /// settlement in another currency than the home currency goes to a customer in that currency (docs/POSTING.md).
    std::string customerName;
    /// ExchangeRate written on sales receipts, credit memos, refunds and the DepositAdd that moves a foreign deposit
    /// (home currency units per unit of the document's currency, a plain decimal such as "0.7312"); empty = none
    /// (Settlebridge always states the settlement's one rate on a foreign document: docs/POSTING.md, "Exchange
    /// rates"). Needs `multicurrency`.
    std::string exchangeRate;
    /// The deposit is moved to `transferToAccount` with a DepositAdd (one line from the clearing account, with
    /// `exchangeRate` and an ExternalGUID) instead of a TransferAdd: a settlement in another currency than the home
    /// one, whose rate a TransferAdd cannot carry (docs/POSTING.md, "Exchange rates").
    bool transferAsDeposit = false;
    /// QuickBooks' name of the settlement's currency ("Canadian Dollar"), written as the CurrencyRef of the DepositAdd
    /// that takes a returned foreign payout back from the bank into the home-currency carried-balance account (with
    /// ctx.transferAsDeposit): funds in a foreign currency deposited into a home-currency account, at `exchangeRate`.
    std::string depositCurrency;
    /// The account a negative settlement's documents deposit to and refund from instead of `clearingAccount`, and the
    /// one a returned payout is transferred back to; empty = the summary's carriedBalanceAccount (docs/ACCOUNTING.md
    /// section 14).
    std::string carriedBalanceAccount;
    /// The company file is the Canadian edition (HostRet/Country "CA"): sales receipts and credit memos say
    /// IsTaxIncluded false (Amazon's amounts are exact and carry no tax; the element is the Canadian edition's only,
    /// the US edition refuses it).
    bool canadianEdition = false;
};

// Limits QuickBooks enforces (characters, after toQuickBooksText).
inline constexpr std::size_t kMaxRefNumber = 11;
inline constexpr std::size_t kMaxMemo = 4095;
inline constexpr std::size_t kMaxDesc = 4095;
inline constexpr std::size_t kMaxItemNameSegment = 31;      ///< item and account names, per ':'-separated level
inline constexpr std::size_t kMaxCustomerNameSegment = 41;  ///< customer names, per level
inline constexpr std::size_t kMaxItemFullName = 159;        ///< item full names (Item*Ret/FullName, Intuit's listing)
inline constexpr std::size_t kMaxCustomerFullName = 209;    ///< customer full names (CustomerRef/FullName)
inline constexpr std::size_t kMaxListFullName = 159;        ///< account full names (ListRef)
inline constexpr std::size_t kMaxSalesTaxCode = 3;
inline constexpr std::size_t kMaxCurrencyName = 64;
inline constexpr std::size_t kMaxRequestId = 50;
inline constexpr std::size_t kMaxTxnId = 36;
inline constexpr std::size_t kMaxAccountDesc = 200;

/// The transaction types Settlebridge posts and later looks up by RefNumber.
enum class TxnType { SalesReceipt, CreditMemo, ARRefundCreditCard };

/// The account types Settlebridge may create (qbXML AccountType values).
enum class AccountType {
    Bank,
    Income,
    OtherIncome,
    Expense,
    OtherExpense,
    CostOfGoodsSold,
    OtherCurrentAsset,
    OtherCurrentLiability,
    CreditCard,
    Equity,
};
std::string_view toString(AccountType type) noexcept;

/// "13.0" for the context's version. Throws RenderError when it is below 13.0.
std::string qbxmlVersionText(const RenderContext& ctx);

// ---------------------------------------------------------------------------------------------------------------
// Names

/// An item's full name as QuickBooks will store it (toQuickBooksText), checked: 1..5 non-empty ':'-separated
/// levels of at most 31 characters, none starting or ending with a blank, at most 159 in all (Intuit's listing).
/// Throws RenderError (field "ItemRef/FullName").
/// Use this form as the key when comparing with names QuickBooks returns.
std::string normalizeItemName(std::string_view fullName);
/// Same for an account full name (levels of at most 31, at most 159 in all).
std::string normalizeAccountName(std::string_view fullName);
/// Same for a customer full name (levels of at most 41, at most 209 in all).
std::string normalizeCustomerName(std::string_view fullName);

/// The ancestors a list entry's full name needs to exist first: "A:B:C" → {"A", "A:B"}; "A" → {}.
std::vector<std::string> parentNames(std::string_view fullName);

// ---------------------------------------------------------------------------------------------------------------
// Transactions of a summary

/// SalesReceiptAdd for a receipt: CustomerRef (ctx.customerName, else summary.customerName), TxnDate, RefNumber, Memo,
/// IsToBePrinted false, IsToBeEmailed false, IsTaxIncluded false (Canadian edition only), DepositToAccountRef (clearing account), ExchangeRate (only when
/// ctx.exchangeRate is set), ExternalGUID (externalGuid(doc.externalKey)), and
/// per line ItemRef, Desc, Quantity (only when non-zero; never a Rate: QuickBooks derives it), Amount and
/// SalesTaxCodeRef. Throws RenderError when `doc` is not a receipt or anything is out of QuickBooks' limits.
std::string renderSalesReceiptAdd(const settlement::Summary& summary, const settlement::SummaryDocument& doc,
                                  const RenderContext& ctx, std::string_view requestId);

/// CreditMemoAdd for a credit memo, laid out like the receipt (no deposit account: the credit goes to A/R and the
/// refund below pays it out of the clearing account).
std::string renderCreditMemoAdd(const settlement::Summary& summary, const settlement::SummaryDocument& doc,
                                const RenderContext& ctx, std::string_view requestId);

/// renderSalesReceiptAdd or renderCreditMemoAdd by `doc.kind`.
std::string renderDocumentAdd(const settlement::Summary& summary, const settlement::SummaryDocument& doc,
                              const RenderContext& ctx, std::string_view requestId);

/// What the refund of a posted credit memo needs from QuickBooks and the posting queue.
struct RefundParams {
    std::string creditMemoTxnId;  ///< TxnID QuickBooks assigned to the posted credit memo
    std::string refNumber;        ///< the refund's own RefNumber (the document's "P" ref), 1..11 characters
};

/// The external key of a credit memo's refund: "<id>:P:<part>" for a credit memo keyed "<id>:C:<part>",
/// otherwise the credit memo's key + ":P". Its ExternalGUID is externalGuid() of this key.
std::string refundExternalKey(const settlement::SummaryDocument& creditMemo);

/// ARRefundCreditCardAdd paying the whole credit memo out of the clearing account: CustomerRef, RefundFromAccountRef
/// (clearing account), TxnDate (the credit memo's), RefNumber, Memo, ExternalGUID, RefundAppliedToTxnAdd {TxnID,
/// RefundAmount = the credit memo's total}. Throws RenderError for a credit memo whose total is not positive.
std::string renderARRefundCreditCardAdd(const settlement::Summary& summary, const settlement::SummaryDocument& creditMemo,
                                        const RefundParams& params, const RenderContext& ctx, std::string_view requestId);

/// The external key written in the transfer's Memo: "<settlement-id>:T".
std::string transferExternalKey(const settlement::Summary& summary);

/// TransferAdd moving the deposit from the clearing account to ctx.transferToAccount on the deposit date; with
/// ctx.transferAsDeposit a DepositAdd instead: DepositToAccountRef the bank account, Memo, ExchangeRate (when set),
/// ExternalGUID (externalGuid(transferExternalKey)), one DepositLineAdd {AccountRef the clearing account, Memo,
/// Amount the deposit}. nullopt when the deposit is not positive (nothing to move). Throws RenderError when
/// ctx.transferToAccount is empty.
/// The account a settlement's sales receipts deposit to and its refunds are paid from: `ctx.clearingAccount`, or for a
/// settlement whose total is negative the carried-balance account (ctx.carriedBalanceAccount, else the summary's).
std::string settlementAccount(const settlement::Summary& summary, const RenderContext& ctx);

/// "<settlement id>:F:<index>": the transfer back of summary.returnedPayouts[index].
std::string returnedPayoutExternalKey(const settlement::Summary& summary, std::size_t index);

/// TransferAdd of a payout the bank returned (summary.returnedPayouts[index], which must be positive): from the bank
/// account (`ctx.transferToAccount`, where the deposit transfer had moved it) back to the carried-balance account,
/// dated at the day of the Failed disbursement rows; the memo names its external key. With ctx.transferAsDeposit (a
/// settlement in another currency than the home one) a DepositAdd instead: DepositToAccountRef the carried-balance
/// account (kept in the home currency), Memo, CurrencyRef ctx.depositCurrency (required), ExchangeRate (when set),
/// ExternalGUID (externalGuid(returnedPayoutExternalKey)), one DepositLineAdd {AccountRef the bank account, Memo,
/// Amount}. Throws RenderError.
std::string renderReturnedPayoutTransfer(const settlement::Summary& summary, std::size_t index,
                                         const RenderContext& ctx, std::string_view requestId);

std::optional<std::string> renderTransferAdd(const settlement::Summary& summary, const RenderContext& ctx,
                                             std::string_view requestId);

// ---------------------------------------------------------------------------------------------------------------
// Queries (idempotency checks and prerequisites)

/// SalesReceiptQuery / CreditMemoQuery / ARRefundCreditCardQuery by RefNumberCaseSensitive, answering only
/// TxnID, EditSequence, TxnDate, RefNumber, CustomerRef, TotalAmount, Memo, ExternalGUID (+ CreditRemaining for a
/// credit memo, RefundAppliedToTxnRet for a refund).
std::string renderTxnQueryByRefNumber(TxnType type, std::string_view refNumber, const RenderContext& ctx,
                                      std::string_view requestId);

/// TransferQuery for the transfers dated `txnDate` (YYYY-MM-DD): TxnID, TxnDate, from/to accounts, Amount, Memo.
std::string renderTransferQuery(std::string_view txnDate, const RenderContext& ctx, std::string_view requestId);
/// DepositQuery for the deposits dated `txnDate` (YYYY-MM-DD; DepositQuery has no RefNumber or ExternalGUID filter):
/// TxnID, TxnDate, DepositToAccountRef, Memo, DepositTotal, CurrencyRef, ExchangeRate, ExternalGUID.
std::string renderDepositQuery(std::string_view txnDate, const RenderContext& ctx, std::string_view requestId);

/// ItemQuery by FullName (one or more): ListID, Name, FullName, IsActive, EditSequence of each item found, any type.
std::string renderItemQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                            std::string_view requestId);
/// CustomerQuery by FullName: ListID, Name, FullName, IsActive, EditSequence, CurrencyRef.
std::string renderCustomerQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                                std::string_view requestId);
/// AccountQuery by FullName: ListID, Name, FullName, IsActive, EditSequence, AccountType, CurrencyRef (QuickBooks
/// sends the CurrencyRef only when multicurrency is on).
std::string renderAccountQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                               std::string_view requestId);

/// VendorQuery, EmployeeQuery and OtherNameQuery by FullName in one message set (continueOnError; requestIDs
/// `requestId` + "-v", "-e", "-o"): ListID, Name, IsActive of each found. QuickBooks keeps customers, vendors,
/// employees and other names in one name list, so a customer cannot take a name one of them has.
std::string renderOtherNamesQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                                  std::string_view requestId);
/// SalesTaxCodeQuery for every active code: Name, IsActive, IsTaxable, Desc.
std::string renderSalesTaxCodeQuery(const RenderContext& ctx, std::string_view requestId);
/// CurrencyQuery by QuickBooks' currency names ("Canadian Dollar"): Name, IsActive, CurrencyCode, ExchangeRate,
/// AsOfDate.
std::string renderCurrencyQuery(const std::vector<std::string>& names, const RenderContext& ctx,
                                std::string_view requestId);

std::string renderHostQuery(const RenderContext& ctx, std::string_view requestId);
std::string renderPreferencesQuery(const RenderContext& ctx, std::string_view requestId);
std::string renderCompanyQuery(const RenderContext& ctx, std::string_view requestId);

// ---------------------------------------------------------------------------------------------------------------
// List adds (prerequisites)

/// CustomerAdd (a full name "A:B" adds B under the existing customer A). `currencyName` is QuickBooks' currency
/// list name (e.g. "Canadian Dollar"); empty = none. A currency needs ctx.multicurrency, else RenderError.
std::string renderCustomerAdd(std::string_view fullName, std::string_view currencyName, const RenderContext& ctx,
                              std::string_view requestId);

/// AccountAdd: Name (+ ParentRef for "A:B"), AccountType, Desc (optional, cut to 200).
std::string renderAccountAdd(std::string_view fullName, AccountType type, std::string_view description,
                             const RenderContext& ctx, std::string_view requestId);
/// AccountAdd with a CurrencyRef (QuickBooks' currency list name, e.g. "Canadian Dollar"; empty = none: the home
/// currency). A currency needs ctx.multicurrency and an account type that has one (Bank, CreditCard), else
/// RenderError.
std::string renderAccountAdd(std::string_view fullName, AccountType type, std::string_view description,
                             std::string_view currencyName, const RenderContext& ctx, std::string_view requestId);

/// A QuickBooks item Settlebridge creates.
struct ItemSpec {
    std::string fullName;     ///< "Amazon Sales:SKU-1" → Name "SKU-1" under the existing item "Amazon Sales"
    std::string description;  ///< SalesOrPurchase/Desc or SalesAndPurchase/SalesDesc (cut to 4095)
    std::string account;      ///< the account sales post to: income account for SKUs, the category's account for fees
    /// Empty: one account for sales and purchases (SalesOrPurchase/AccountRef = account). Set: the item is sold
    /// through `account` and bought through this one (SalesAndPurchase: IncomeAccountRef, ExpenseAccountRef), so a
    /// bill that uses the item costs money instead of reducing income (docs/ACCOUNTING.md, "Items Settlebridge creates").
    std::string expenseAccount;
};

/// ItemNonInventoryAdd (SKU items): Name, ParentRef, SalesTaxCodeRef (ctx.nonTaxableCode), then SalesOrPurchase
/// {Desc, AccountRef} or SalesAndPurchase {SalesDesc, IncomeAccountRef, ExpenseAccountRef}. No price: lines carry their
/// amounts.
std::string renderItemNonInventoryAdd(const ItemSpec& item, const RenderContext& ctx, std::string_view requestId);
/// ItemOtherChargeAdd (category items: fees, tax, shipping, reserves...), laid out the same way.
std::string renderItemOtherChargeAdd(const ItemSpec& item, const RenderContext& ctx, std::string_view requestId);
/// ItemServiceAdd, laid out the same way (a sub-item under a service item has its parent's type).
std::string renderItemServiceAdd(const ItemSpec& item, const RenderContext& ctx, std::string_view requestId);

// ---------------------------------------------------------------------------------------------------------------
// Preview

/// Everything the summary would post, for `settlebridge summarize --format qbxml` and the admin previewer: one
/// complete, schema-valid document per request, in posting order (per part: SalesReceiptAdd, CreditMemoAdd; then
/// the TransferAdd when ctx.transferToAccount is set and the deposit is positive), separated by a blank line; each
/// starts (after its processing instructions) with a comment naming it. The ARRefundCreditCardAdd cannot be shown
/// as a document, since it needs the TxnID QuickBooks gives the credit memo: a comment after the credit memo says
/// what it will be. requestIDs are the documents' external keys. Throws RenderError like the functions above.
std::string renderPreview(const settlement::Summary& summary, const RenderContext& ctx);

}  // namespace settlebridge::qbxml
